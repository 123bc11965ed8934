package io.appliance.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code appliance lun list|create|resize|delete}. */
@Command(name = "lun", description = "List, create, grow and delete the LUNs of a target.")
final class LunCommands extends CommandGroup {

    @Command(name = "list", description = "List a target's LUNs.")
    int list(@Parameters(paramLabel = "TARGET") String target) {
        JsonNode luns = root.client().get(path(target));
        return root.showTable(luns, Render::luns);
    }

    @Command(name = "create", description = {"Create a LUN and present it at once: on a sparse file (default),",
            "on an existing volume (--volume POOL/NAME), or on a new volume carved from a pool (--pool POOL --size S)."})
    int create(@Parameters(paramLabel = "TARGET") String target,
            @Option(names = "--lun", required = true, paramLabel = "N", description = "LUN number, 0..16383") int lun,
            @Option(names = "--size", paramLabel = "SIZE",
                    description = "e.g. 1GiB, 512MiB, or bytes; required unless --volume") String size,
            @Option(names = "--file", paramLabel = "PATH",
                    description = "backing file; relative to the state directory (default: luns/<target>-lun<N>.img)") String file,
            @Option(names = "--volume", paramLabel = "POOL/NAME", description = "an existing volume to serve") String volume,
            @Option(names = "--pool", paramLabel = "POOL", description = "carve a new volume of --size from this pool") String pool,
            @Option(names = "--volume-name", paramLabel = "NAME",
                    description = "name of the carved volume (default: <target alias>-lun<N>)") String volumeName,
            @Option(names = "--read-only", description = "refuse writes") boolean readOnly) {
        ObjectNode body = root.mapper().createObjectNode().put("lun", lun).put("readOnly", readOnly);
        putIfPresent(body, "size", size);
        putIfPresent(body, "backingFile", file);
        putIfPresent(body, "volume", volume);
        putIfPresent(body, "pool", pool);
        putIfPresent(body, "volumeName", volumeName);
        JsonNode created = root.client().post(path(target), body);
        return root.show(created, Render::lun);
    }

    @Command(name = "resize", description = "Grow a LUN (its file, or its volume with lvextend); initiators see the new capacity.")
    int resize(@Parameters(paramLabel = "TARGET") String target, @Parameters(paramLabel = "N") int lun,
            @Option(names = "--size", required = true, paramLabel = "SIZE", description = "the new, larger size") String size) {
        JsonNode changed = root.client().patch(path(target) + "/" + lun, root.mapper().createObjectNode().put("size", size));
        return root.show(changed, Render::lun);
    }

    static void putIfPresent(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    @Command(name = "delete", description = "Withdraw and delete a LUN; its file or volume stays unless --delete-file or --delete-volume.")
    int delete(@Parameters(paramLabel = "TARGET") String target, @Parameters(paramLabel = "N") int lun,
            @Option(names = "--delete-file", description = "also delete the backing file") boolean deleteFile,
            @Option(names = "--delete-volume", description = "also remove the backing volume") boolean deleteVolume) {
        String query = deleteFile ? "?deleteFile=true" : deleteVolume ? "?deleteVolume=true" : "";
        root.client().delete(path(target) + "/" + lun + query);
        if (!root.jsonOutput()) {
            root.out().println("deleted LUN " + lun + " of " + target + (deleteFile ? " and its file" : "")
                    + (deleteVolume ? " and its volume" : ""));
        }
        return 0;
    }

    private static String path(String target) {
        return "api/v1/targets/" + ApiClient.segment(target) + "/luns";
    }
}
