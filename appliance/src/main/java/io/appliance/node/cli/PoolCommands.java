package io.appliance.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code appliance pool list|show|create|extend}. */
@Command(name = "pool", description = "List, show, create and extend pools (LVM volume groups).")
final class PoolCommands extends CommandGroup {

    static final String POOLS = "api/v1/pools";

    @Command(name = "list", description = "List the node's pools, also those made by hand.")
    int list() {
        JsonNode pools = root.client().get(POOLS);
        return root.showTable(pools, Render::pools);
    }

    @Command(name = "show", description = "Show one pool.")
    int show(@Parameters(paramLabel = "NAME") String name) {
        return print(root.client().get(POOLS + "/" + ApiClient.segment(name)));
    }

    @Command(name = "create", description = "Make a pool (pvcreate + vgcreate) over block devices.")
    int create(@Parameters(index = "0", paramLabel = "NAME") String name,
            @Parameters(index = "1..*", arity = "1..*", paramLabel = "DEVICE") List<String> devices,
            @Option(names = "--extent-size", paramLabel = "SIZE", description = "physical extent size (default: 4MiB)") String extentSize) {
        ObjectNode body = root.mapper().createObjectNode().put("name", name);
        devices(body.putArray("devices"), devices);
        LunCommands.putIfPresent(body, "extentSize", extentSize);
        return print(root.client().post(POOLS, body));
    }

    @Command(name = "extend", description = "Add block devices to a pool (pvcreate + vgextend).")
    int extend(@Parameters(index = "0", paramLabel = "NAME") String name,
            @Parameters(index = "1..*", arity = "1..*", paramLabel = "DEVICE") List<String> devices) {
        ObjectNode body = root.mapper().createObjectNode();
        devices(body.putArray("addDevices"), devices);
        return print(root.client().patch(POOLS + "/" + ApiClient.segment(name), body));
    }

    private int print(JsonNode pool) {
        return root.show(pool, Render::pool);
    }

    private static void devices(ArrayNode array, List<String> devices) {
        devices.forEach(array::add);
    }
}
