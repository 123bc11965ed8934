package io.appliance.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code appliance target list|show|create|delete}. */
@Command(name = "target", description = "List, show, create and delete iSCSI targets.")
final class TargetCommands extends CommandGroup {

    @Command(name = "list", description = "List the targets.")
    int list() {
        JsonNode targets = root.client().get("api/v1/targets");
        return root.showTable(targets, Render::targets);
    }

    @Command(name = "show", description = "Show one target.")
    int show(@Parameters(paramLabel = "NAME", description = "the target's iSCSI name") String name) {
        return print(root.client().get("api/v1/targets/" + ApiClient.segment(name)));
    }

    @Command(name = "create", description = "Create a target (no LUNs, no ACLs yet).")
    int create(@Parameters(paramLabel = "NAME", description = "iSCSI name, e.g. iqn.2026-11.com.example:disk1") String name,
            @Option(names = "--alias", paramLabel = "ALIAS", description = "TargetAlias shown by initiators") String alias,
            @Option(names = "--open-access", description = "any initiator, no authentication, every LUN (demo mode)")
            boolean openAccess) {
        ObjectNode body = root.mapper().createObjectNode().put("name", name).put("openAccess", openAccess);
        if (alias != null) {
            body.put("alias", alias);
        }
        return print(root.client().post("api/v1/targets", body));
    }

    @Command(name = "delete", description = "Delete a target; its sessions lose access, LUN files stay.")
    int delete(@Parameters(paramLabel = "NAME") String name) {
        root.client().delete("api/v1/targets/" + ApiClient.segment(name));
        if (!root.jsonOutput()) {
            root.out().println("deleted target " + name);
        }
        return 0;
    }

    private int print(JsonNode target) {
        return root.show(target, Render::target);
    }
}
