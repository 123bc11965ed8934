package io.appliance.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.appliance.config.replication.DrbdConfigException;
import io.appliance.config.replication.DrbdConfigImporter;
import io.appliance.config.replication.DrbdImport;
import io.appliance.node.replication.ResourceYaml;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code appliance replication VERB RES} (alias {@code appliance drbdadm}): drbdadm's verbs on a
 * running node, {@code status} in drbdadm's words, the {@code events} stream, and the offline
 * {@code import-res} converter of DRBD {@code .res} files. A refused verb exits 1 with the engine's
 * message (e.g. {@code r0: State change failed: (-2) Need access to UpToDate data}).
 */
@Command(name = "replication", aliases = "drbdadm",
        description = "Replicated disks (DRBD-style resources): verbs, status, events, .res import.")
final class ReplicationCommands extends CommandGroup {

    @Command(name = "status", description = "Show resources like 'drbdadm status': role, disk, peer, replication, sync progress.")
    int status(@Parameters(paramLabel = "RES", arity = "0..1", description = "one resource (default: all)") String resource,
            @Option(names = {"-v", "--verbose"}, description = "add sizes, out-of-sync KiB, rates, ETA, counters") boolean verbose) {
        if (root.jsonOutput()) {
            root.printJson(root.client().get(resource == null ? "api/v1/replication" : path(resource)));
            return 0;
        }
        String query = verbose ? "?verbose=true" : "";
        String text = root.client().getText((resource == null ? "api/v1/replication" : path(resource)) + "/status" + query);
        root.out().print(text.endsWith("\n") || text.isEmpty() ? text : text + "\n");
        return 0;
    }

    @Command(name = "events", description = "Stream every state change like 'drbdsetup events2' (Ctrl-C ends).")
    int events(@Option(names = "--now", description = "print the current state and end") boolean now) {
        if (now) {
            root.out().print(root.client().getText("api/v1/replication/events?now=true"));
            return 0;
        }
        root.client().streamLines("api/v1/replication/events", line -> {
            root.out().println(line);
            root.out().flush();
        });
        return 0;
    }

    @Command(name = "create-md", description = "Write fresh metadata (Inconsistent); refused while up.")
    int createMd(@Parameters(paramLabel = "RES") String resource,
            @Option(names = "--force", description = "overwrite existing metadata") boolean force) {
        return verb(resource, "create-md", flag("force", force));
    }

    @Command(name = "up", description = "Attach the disk and connect to the peer (role Secondary).")
    int up(@Parameters(paramLabel = "RES") String resource) {
        return verb(resource, "up", null);
    }

    @Command(name = "down", description = "Disconnect and detach; refused while Primary.")
    int down(@Parameters(paramLabel = "RES") String resource) {
        return verb(resource, "down", null);
    }

    @Command(name = "primary", description = "Promote; needs UpToDate data unless --force.")
    int primary(@Parameters(paramLabel = "RES") String resource,
            @Option(names = "--force", description = "promote without UpToDate data (makes this node's data the good copy)")
            boolean force) {
        return verb(resource, "primary", flag("force", force));
    }

    @Command(name = "secondary", description = "Demote.")
    int secondary(@Parameters(paramLabel = "RES") String resource) {
        return verb(resource, "secondary", null);
    }

    @Command(name = "connect", description = "Connect from StandAlone.")
    int connect(@Parameters(paramLabel = "RES") String resource,
            @Option(names = "--discard-my-data", description = "be the split-brain victim: take the peer's data") boolean discard) {
        return verb(resource, "connect", flag("discardMyData", discard));
    }

    @Command(name = "disconnect", description = "Drop the peer link (StandAlone).")
    int disconnect(@Parameters(paramLabel = "RES") String resource) {
        return verb(resource, "disconnect", null);
    }

    @Command(name = "verify", description = "Online verify with verify-alg (this node VerifyS).")
    int verify(@Parameters(paramLabel = "RES") String resource) {
        return verb(resource, "verify", null);
    }

    @Command(name = "invalidate", description = "Discard the local data: full resync from the peer.")
    int invalidate(@Parameters(paramLabel = "RES") String resource) {
        return verb(resource, "invalidate", null);
    }

    @Command(name = "invalidate-remote", description = "Discard the peer's data: full resync to the peer.")
    int invalidateRemote(@Parameters(paramLabel = "RES") String resource) {
        return verb(resource, "invalidate-remote", null);
    }

    @Command(name = "pause-sync", description = "Suspend the running resync (PausedSyncS/T) until resume-sync.")
    int pauseSync(@Parameters(paramLabel = "RES") String resource) {
        return verb(resource, "pause-sync", null);
    }

    @Command(name = "resume-sync", description = "Lift this node's pause-sync.")
    int resumeSync(@Parameters(paramLabel = "RES") String resource) {
        return verb(resource, "resume-sync", null);
    }

    @Command(name = "outdate", description = "Mark this node's data Outdated (not while Primary or Connected).")
    int outdate(@Parameters(paramLabel = "RES") String resource) {
        return verb(resource, "outdate", null);
    }

    @Command(name = "resize", description = "Re-read the backing size, agree with the peer, grow.")
    int resize(@Parameters(paramLabel = "RES") String resource) {
        return verb(resource, "resize", null);
    }

    @Command(name = "new-current-uuid", description = "New data generation; with --clear-bitmap: skip the initial sync.")
    int newCurrentUuid(@Parameters(paramLabel = "RES") String resource,
            @Option(names = "--clear-bitmap", description = "both sides become UpToDate without a sync (blank devices)")
            boolean clearBitmap) {
        return verb(resource, "new-current-uuid", flag("clearBitmap", clearBitmap));
    }

    @Command(name = "import-res", description = {"Print the 'replication:' YAML section for a DRBD .res file (offline;",
            "warnings on stderr)."})
    int importRes(@Parameters(paramLabel = "FILE") Path file) {
        DrbdImport imported;
        try {
            imported = new DrbdConfigImporter().importFile(file);
        } catch (DrbdConfigException e) {
            throw new CliException(e.getMessage(), e);
        }
        imported.warnings().forEach(warning -> spec.commandLine().getErr().println("warning: " + warning));
        spec.commandLine().getErr().flush();
        root.out().print(ResourceYaml.render(imported.resources()));
        return 0;
    }

    /** One line per resource for {@code appliance status}: {@code r0 Primary/UpToDate Connected node2 Secondary/UpToDate Established}. */
    static String summary(JsonNode resource) {
        String line = resource.path("name").asText() + " " + resource.path("role").asText() + "/" + resource.path("disk").asText()
                + " " + resource.path("connection").asText() + " " + resource.path("peer").asText();
        if ("Connected".equals(resource.path("connection").asText())) {
            line += " " + resource.path("peerRole").asText() + "/" + resource.path("peerDisk").asText() + " "
                    + resource.path("replication").asText();
        }
        JsonNode sync = resource.path("sync");
        return sync.isObject() ? line + String.format(Locale.ROOT, " done:%.2f", sync.path("percentDone").asDouble()) : line;
    }

    private int verb(String resource, String verb, ObjectNode body) {
        JsonNode status = root.client().post(path(resource) + "/" + verb, body == null ? root.mapper().createObjectNode() : body);
        if (root.jsonOutput()) {
            root.printJson(status);
        }
        return 0;
    }

    private ObjectNode flag(String name, boolean value) {
        ObjectNode body = root.mapper().createObjectNode();
        if (value) {
            body.put(name, true);
        }
        return body;
    }

    private static String path(String resource) {
        return "api/v1/replication/" + ApiClient.segment(resource);
    }
}
