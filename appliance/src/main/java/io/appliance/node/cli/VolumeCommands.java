package io.appliance.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code appliance volume list|create|extend|rename|remove}. */
@Command(name = "volume", description = "List, create, extend, rename and remove volumes (LVM logical volumes).")
final class VolumeCommands extends CommandGroup {

    @Command(name = "list", description = "List a pool's volumes with their extents and the LUN each backs.")
    int list(@Parameters(paramLabel = "POOL") String pool) {
        JsonNode volumes = root.client().get(path(pool));
        return root.showTable(volumes, Render::volumes);
    }

    @Command(name = "create", description = "Carve a volume (lvcreate); the size is rounded up to whole extents.")
    int create(@Parameters(index = "0", paramLabel = "POOL") String pool, @Parameters(index = "1", paramLabel = "NAME") String name,
            @Option(names = "--size", required = true, paramLabel = "SIZE", description = "e.g. 100MiB, 1GiB, or bytes") String size) {
        return print(root.client().post(path(pool), root.mapper().createObjectNode().put("name", name).put("size", size)));
    }

    @Command(name = "extend", description = "Grow a volume (lvextend); a LUN on it grows online.")
    int extend(@Parameters(index = "0", paramLabel = "POOL") String pool, @Parameters(index = "1", paramLabel = "NAME") String name,
            @Option(names = "--size", required = true, paramLabel = "SIZE", description = "the new, larger size") String size) {
        return print(root.client().patch(path(pool) + "/" + ApiClient.segment(name),
                root.mapper().createObjectNode().put("size", size)));
    }

    @Command(name = "rename", description = "Rename a volume (lvrename); refused while a LUN uses it.")
    int rename(@Parameters(index = "0", paramLabel = "POOL") String pool, @Parameters(index = "1", paramLabel = "NAME") String name,
            @Parameters(index = "2", paramLabel = "NEW") String newName) {
        return print(root.client().patch(path(pool) + "/" + ApiClient.segment(name),
                root.mapper().createObjectNode().put("name", newName)));
    }

    @Command(name = "remove", description = "Remove a volume and its data (lvremove); refused while a LUN uses it.")
    int remove(@Parameters(index = "0", paramLabel = "POOL") String pool, @Parameters(index = "1", paramLabel = "NAME") String name) {
        root.client().delete(path(pool) + "/" + ApiClient.segment(name));
        if (!root.jsonOutput()) {
            root.out().println("removed volume " + pool + "/" + name);
        }
        return 0;
    }

    private int print(JsonNode volume) {
        return root.show(volume, Render::volume);
    }

    private static String path(String pool) {
        return PoolCommands.POOLS + "/" + ApiClient.segment(pool) + "/volumes";
    }
}
