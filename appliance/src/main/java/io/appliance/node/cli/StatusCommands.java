package io.appliance.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code appliance status} and {@code appliance sessions}. */
final class StatusCommands {

    private StatusCommands() {
    }

    @Command(name = "status", description = "Show the node: name, version, portals, targets, sessions.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ApplianceCli root;

        @Override
        public Integer call() {
            JsonNode status = root.client().get("api/v1/status");
            if (root.jsonOutput()) {
                root.printJson(status);
                return 0;
            }
            var out = root.out();
            out.println("node:      " + status.path("nodeName").asText());
            out.println("version:   " + status.path("version").asText());
            out.println("portals:   " + Render.join(status.path("portals")));
            out.println("targets:   " + status.path("targets").asInt());
            out.println("sessions:  " + status.path("sessions").size());
            for (JsonNode resource : root.client().get("api/v1/replication")) {
                out.println("replication: " + ReplicationCommands.summary(resource));
            }
            if (status.path("sessions").size() > 0) {
                out.println();
                Render.sessions(status.path("sessions")).print(out);
            }
            return 0;
        }
    }

    @Command(name = "sessions", description = "List the iSCSI sessions logged in to the node.")
    static final class Sessions implements Callable<Integer> {
        @ParentCommand
        ApplianceCli root;

        @Override
        public Integer call() {
            JsonNode sessions = root.client().get("api/v1/sessions");
            if (root.jsonOutput()) {
                root.printJson(sessions);
            } else {
                Render.sessions(sessions).print(root.out());
            }
            return 0;
        }
    }
}
