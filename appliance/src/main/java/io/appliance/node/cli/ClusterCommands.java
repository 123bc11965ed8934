package io.appliance.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.appliance.config.cluster.heartbeat.HeartbeatConfigException;
import io.appliance.config.cluster.heartbeat.HeartbeatImport;
import io.appliance.config.cluster.heartbeat.HeartbeatImporter;
import io.appliance.node.cluster.ClusterYamlRenderer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code appliance cluster ...}: the cluster's status in crm_mon's words ({@code appliance crm_mon}
 * is an alias), the admin changes of {@code crm_resource}/{@code crm_node}/{@code crm_attribute}
 * (standby, online, move, ban, clear, cleanup, maintenance), the events stream, the heartbeat rings
 * ({@code rings}, like {@code corosync-cfgtool -s}), and the offline
 * {@code import-heartbeat} converter of Heartbeat v1 files. A refused change exits 1 with the
 * node's message (e.g. {@code no coordinator with quorum ...}).
 */
@Command(name = "cluster", description = "High availability cluster: status, rings, standby/online, move/ban/clear,"
        + " cleanup, maintenance, events, Heartbeat import.")
final class ClusterCommands extends CommandGroup {

    /** Exit code of {@code import-heartbeat} for files that cannot be imported ({@code file:line: message}). */
    static final int IMPORT_ERROR = 2;

    @Command(name = "status", description = "Show the cluster like 'crm_mon -1': DC, quorum, nodes, resources, failures.")
    int status() {
        return printStatus(root);
    }

    @Command(name = "rings", description = "Show the heartbeat rings like 'corosync-cfgtool -s': per ring this node's"
            + " address and whether every peer is heard on it.")
    int rings() {
        JsonNode rings = root.client().get("api/v1/cluster/rings");
        if (root.jsonOutput()) {
            root.printJson(rings);
            return 0;
        }
        root.out().print(renderRings(rings));
        return 0;
    }

    /** corosync-cfgtool -s's layout: {@code RING ID n}, {@code id = address}, {@code status = ...}. */
    static String renderRings(JsonNode rings) {
        StringBuilder text = new StringBuilder();
        for (JsonNode ring : rings) {
            int id = ring.path("ring").asInt();
            text.append("RING ID ").append(id).append('\n');
            text.append("\tid\t= ").append(ring.path("localAddress").asText()).append('\n');
            List<String> faults = new ArrayList<>();
            for (JsonNode peer : ring.path("peers")) {
                if (!peer.path("heard").asBoolean()) {
                    long silentMs = peer.path("silentMs").asLong();
                    faults.add(peer.path("node").asText() + (silentMs > 0
                            ? String.format(Locale.ROOT, " silent for %.1f s", silentMs / 1000.0)
                            : " not heard"));
                }
            }
            text.append("\tstatus\t= ").append(faults.isEmpty()
                    ? "ring " + id + " active with no faults"
                    : "ring " + id + " FAULTY: " + String.join(", ", faults)).append('\n');
        }
        return text.toString();
    }

    @Command(name = "standby", description = "Put a node in standby: its resources move away, nothing starts there.")
    int standby(@Parameters(paramLabel = "NODE") String node) {
        return change("nodes/" + ApiClient.segment(node) + "/standby", null);
    }

    @Command(name = "online", description = "Take a node out of standby.")
    int online(@Parameters(paramLabel = "NODE") String node) {
        return change("nodes/" + ApiClient.segment(node) + "/online", null);
    }

    @Command(name = "move", description = {"Move a resource or group to NODE (a cli-prefer constraint); without NODE,",
            "ban it from the node it runs on now. Undo with 'cluster clear'."})
    int move(@Parameters(paramLabel = "RES") String resource,
            @Parameters(paramLabel = "NODE", arity = "0..1") String node) {
        return change(resourcePath(resource) + "/move", nodeBody(node));
    }

    @Command(name = "ban", description = "Keep a resource or group off NODE (a cli-ban constraint).")
    int ban(@Parameters(paramLabel = "RES") String resource, @Parameters(paramLabel = "NODE") String node) {
        return change(resourcePath(resource) + "/ban", nodeBody(node));
    }

    @Command(name = "clear", description = "Remove the constraints 'move' and 'ban' made for a resource.")
    int clear(@Parameters(paramLabel = "RES") String resource) {
        return change(resourcePath(resource) + "/clear", null);
    }

    @Command(name = "cleanup", description = "Forget a resource's failures and fail counts (on NODE, or everywhere).")
    int cleanup(@Parameters(paramLabel = "RES") String resource,
            @Parameters(paramLabel = "NODE", arity = "0..1") String node) {
        return change(resourcePath(resource) + "/cleanup", nodeBody(node));
    }

    @Command(name = "maintenance", description = "on: the cluster starts and stops nothing (monitors still run); off: normal.")
    int maintenance(@Parameters(paramLabel = "on|off") String mode) {
        boolean enabled = switch (mode) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new CliException("maintenance takes on or off, not " + mode);
        };
        ObjectNode body = root.mapper().createObjectNode();
        body.put("enabled", enabled);
        return change("maintenance", body);
    }

    @Command(name = "events", description = "Stream the cluster's events, one line each (Ctrl-C ends).")
    int events(@Option(names = "--now", description = "print the current state and end") boolean now) {
        if (now) {
            root.out().print(root.client().getText("api/v1/cluster/events?now=true"));
            return 0;
        }
        root.client().streamLines("api/v1/cluster/events", line -> {
            root.out().println(line);
            root.out().flush();
        });
        return 0;
    }

    @Command(name = "import-heartbeat", description = {"Print the 'cluster:' YAML section for Heartbeat v1 files",
            "(offline; warnings on stderr; exit 2 with file:line: message on errors). The output holds the secret."})
    int importHeartbeat(@Option(names = "--ha-cf", required = true, paramLabel = "FILE", description = "ha.cf") Path haCf,
            @Option(names = "--haresources", paramLabel = "FILE", description = "haresources") Path haresources,
            @Option(names = "--authkeys", paramLabel = "FILE", description = "authkeys") Path authkeys) {
        PrintWriter err = spec.commandLine().getErr();
        HeartbeatImport imported;
        try {
            imported = HeartbeatImporter.importFiles(haCf, Optional.ofNullable(haresources), Optional.ofNullable(authkeys));
        } catch (HeartbeatConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return IMPORT_ERROR;
        }
        imported.warnings().forEach(warning -> err.println("warning: " + warning));
        err.flush();
        root.out().print(ClusterYamlRenderer.render(imported.definition()));
        return 0;
    }

    /** {@code appliance crm_mon [-1]}: the cluster status (printed once; crm_mon's refreshing mode is not offered). */
    @Command(name = "crm_mon", description = "Alias of 'cluster status' (with or without -1: printed once).")
    static final class CrmMon implements Callable<Integer> {

        @ParentCommand
        ApplianceCli root;

        @Option(names = {"-1", "--one-shot"}, description = "print once and end (the only mode)")
        boolean oneShot;

        @Override
        public Integer call() {
            return printStatus(root);
        }
    }

    private static int printStatus(ApplianceCli root) {
        if (root.jsonOutput()) {
            root.printJson(root.client().get("api/v1/cluster"));
            return 0;
        }
        String text = root.client().getText("api/v1/cluster/status");
        root.out().print(text.endsWith("\n") || text.isEmpty() ? text : text + "\n");
        return 0;
    }

    private int change(String path, JsonNode body) {
        JsonNode answer = root.client().post("api/v1/cluster/" + path, body == null ? root.mapper().createObjectNode() : body);
        if (root.jsonOutput()) {
            root.printJson(answer);
        } else {
            root.out().println("done (admin version " + answer.path("adminVersion").asLong() + ")");
        }
        return 0;
    }

    private ObjectNode nodeBody(String node) {
        ObjectNode body = root.mapper().createObjectNode();
        if (node != null) {
            body.put("node", node);
        }
        return body;
    }

    private static String resourcePath(String resource) {
        return "resources/" + ApiClient.segment(resource);
    }
}
