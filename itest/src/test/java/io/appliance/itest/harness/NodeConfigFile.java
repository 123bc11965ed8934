package io.appliance.itest.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the node configuration YAML (the format shared with the appliance: {@code nodeName},
 * {@code stateDirectory}, {@code iscsi.portals}, {@code seed.targets}, Dropwizard {@code server}).
 * Every string is emitted double-quoted, so no value can change the document's structure.
 */
final class NodeConfigFile {

    private NodeConfigFile() {
    }

    /**
     * @param stateDirectory where the node keeps its database and token
     * @param lunDirectory   where each LUN's backing file goes ({@code <target alias>-lun<N>.img})
     */
    static String render(String nodeName, Path stateDirectory, Path lunDirectory, int iscsiPort, int restPort,
            Map<String, String> iscsiSettings, List<SeedTarget> targets) {
        return render(nodeName, stateDirectory, lunDirectory, iscsiPort, restPort, iscsiSettings, Map.of(), targets);
    }

    /**
     * Like the other {@code render}, with an {@code lvm:} section holding {@code lvmSettings} (such as
     * {@code access -> extent-map}); no section at all when it is empty.
     */
    static String render(String nodeName, Path stateDirectory, Path lunDirectory, int iscsiPort, int restPort,
            Map<String, String> iscsiSettings, Map<String, String> lvmSettings, List<SeedTarget> targets) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("nodeName: ").append(quote(nodeName)).append('\n');
        yaml.append("stateDirectory: ").append(quote(stateDirectory.toString())).append('\n');
        yaml.append("iscsi:\n");
        yaml.append("  portals:\n");
        yaml.append("    - address: \"127.0.0.1\"\n");
        yaml.append("      port: ").append(iscsiPort).append('\n');
        iscsiSettings.forEach((key, value) -> {
            // a scalar, or a YAML flow mapping of scalars such as {user: u, secret: s}
            if (!key.matches("[A-Za-z]+") || !value.matches("[A-Za-z0-9.]+|\\{[A-Za-z0-9.:, -]+}")) {
                throw new IllegalArgumentException("unexpected iscsi setting " + key + ": " + value);
            }
            yaml.append("  ").append(key).append(": ").append(value).append('\n');
        });
        if (!lvmSettings.isEmpty()) {
            yaml.append("lvm:\n");
            lvmSettings.forEach((key, value) -> {
                if (!key.matches("[A-Za-z]+")) {
                    throw new IllegalArgumentException("unexpected lvm setting " + key);
                }
                yaml.append("  ").append(key).append(": ").append(quote(value)).append('\n');
            });
        }
        yaml.append("seed:\n");
        yaml.append("  targets:\n");
        for (SeedTarget target : targets) {
            yaml.append("    - name: ").append(quote(target.name())).append('\n');
            yaml.append("      alias: ").append(quote(target.alias())).append('\n');
            yaml.append("      openAccess: ").append(target.openAccess()).append('\n');
            yaml.append("      luns:\n");
            for (SeedTarget.SeedLun lun : target.luns()) {
                Path file = lunDirectory.resolve(target.alias() + "-lun" + lun.lun() + ".img");
                yaml.append("        - lun: ").append(lun.lun()).append('\n');
                yaml.append("          backingFile: ").append(quote(file.toString())).append('\n');
                yaml.append("          size: ").append(quote(lun.size())).append('\n');
                yaml.append("          readOnly: false\n");
            }
            if (!target.acls().isEmpty()) {
                yaml.append("      acls:\n");
                for (SeedTarget.SeedAcl acl : target.acls()) {
                    yaml.append("        - initiator: ").append(quote(acl.initiator())).append('\n');
                    optional(yaml, "chapUser", acl.chapUser());
                    optional(yaml, "chapSecret", acl.chapSecret());
                    optional(yaml, "mutualChapUser", acl.mutualChapUser());
                    optional(yaml, "mutualChapSecret", acl.mutualChapSecret());
                }
            }
        }
        yaml.append("server:\n");
        yaml.append("  type: simple\n");
        yaml.append("  applicationContextPath: /\n");
        yaml.append("  adminContextPath: /admin\n");
        yaml.append("  connector:\n");
        yaml.append("    type: http\n");
        yaml.append("    bindHost: \"127.0.0.1\"\n");
        yaml.append("    port: ").append(restPort).append('\n');
        return yaml.toString();
    }

    private static void optional(StringBuilder yaml, String key, String value) {
        if (value != null) {
            yaml.append("          ").append(key).append(": ").append(quote(value)).append('\n');
        }
    }

    /** A YAML double-quoted scalar (YAML 1.2 §7.3.1): backslash and quote escaped, control characters refused. */
    static String quote(String value) {
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("control character in configuration value");
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
