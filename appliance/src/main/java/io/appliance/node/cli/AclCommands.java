package io.appliance.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code appliance acl list|create|delete}. */
@Command(name = "acl", description = "List, create and delete the initiators admitted to a target.")
final class AclCommands extends CommandGroup {

    @Command(name = "list", description = "List a target's ACLs (secrets are never shown).")
    int list(@Parameters(paramLabel = "TARGET") String target) {
        JsonNode acls = root.client().get(path(target));
        return root.showTable(acls, Render::acls);
    }

    @Command(name = "create", description = "Admit an initiator, optionally with CHAP and mutual CHAP.")
    int create(@Parameters(paramLabel = "TARGET") String target,
            @Parameters(paramLabel = "INITIATOR", description = "the initiator's iSCSI name") String initiator,
            @Option(names = "--chap-user", paramLabel = "USER") String chapUser,
            @Option(names = "--chap-secret", paramLabel = "SECRET", description = "12 bytes or more") String chapSecret,
            @Option(names = "--mutual-user", paramLabel = "USER") String mutualUser,
            @Option(names = "--mutual-secret", paramLabel = "SECRET", description = "differs from --chap-secret")
            String mutualSecret) {
        ObjectNode body = root.mapper().createObjectNode().put("initiator", initiator);
        putIfGiven(body, "chapUser", chapUser);
        putIfGiven(body, "chapSecret", chapSecret);
        putIfGiven(body, "mutualChapUser", mutualUser);
        putIfGiven(body, "mutualChapSecret", mutualSecret);
        JsonNode created = root.client().post(path(target), body);
        return root.show(created, Render::acl);
    }

    @Command(name = "delete", description = "Remove an initiator's ACL (new logins are refused; sessions stay).")
    int delete(@Parameters(paramLabel = "TARGET") String target, @Parameters(paramLabel = "INITIATOR") String initiator) {
        root.client().delete(path(target) + "/" + ApiClient.segment(initiator));
        if (!root.jsonOutput()) {
            root.out().println("deleted ACL of " + initiator + " on " + target);
        }
        return 0;
    }

    private static void putIfGiven(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    private static String path(String target) {
        return "api/v1/targets/" + ApiClient.segment(target) + "/acls";
    }
}
