package io.appliance.cluster.runtime;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a {@link ClusterStatus} as text in the style of Pacemaker's {@code crm_mon -1}. */
public final class CrmMonRenderer {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private CrmMonRenderer() {
    }

    public static String render(ClusterStatus status, Instant now) {
        StringBuilder out = new StringBuilder();
        out.append("Cluster Summary:\n");
        out.append("  * Stack: appliance-jgroups\n");
        if (status.coordinator() != null) {
            out.append("  * Current DC: ").append(status.coordinator()).append(" - partition with quorum (")
                    .append(status.quorum().reason()).append(")\n");
        } else {
            out.append("  * Current DC: NONE - partition WITHOUT quorum (").append(status.quorum().reason())
                    .append(")\n");
        }
        out.append("  * Last updated: ").append(TIME.format(now)).append('\n');
        out.append("  * ").append(status.nodes().size()).append(" nodes configured\n");
        out.append("  * ").append(status.resources().size()).append(" resource instances configured\n");
        if (status.maintenance()) {
            out.append("\n              *** Resource management is DISABLED ***\n");
            out.append("  The cluster will not attempt to start, stop or recover services\n");
        }
        out.append("\nNode List:\n");
        List<String> online = new ArrayList<>();
        List<String> offline = new ArrayList<>();
        List<String> special = new ArrayList<>();
        for (NodeStatus node : status.nodes()) {
            switch (node.state()) {
                case "online" -> online.add(node.name());
                case "offline" -> offline.add(node.name());
                default -> special.add("  * Node " + node.name() + ": " + node.state()
                        + (node.detail().isEmpty() ? "" : " (" + node.detail() + ")"));
            }
        }
        special.forEach(line -> out.append(line).append('\n'));
        if (!online.isEmpty()) {
            out.append("  * Online: [ ").append(String.join(" ", online)).append(" ]\n");
        }
        if (!offline.isEmpty()) {
            out.append("  * OFFLINE: [ ").append(String.join(" ", offline)).append(" ]\n");
        }
        out.append("\nFull List of Resources:\n");
        Map<String, List<ResourceStatus>> groups = new LinkedHashMap<>();
        for (ResourceStatus resource : status.resources()) {
            groups.computeIfAbsent(resource.group() == null ? "\u0000" + resource.id() : resource.group(),
                    key -> new ArrayList<>()).add(resource);
        }
        groups.forEach((key, members) -> {
            if (key.startsWith("\u0000")) {
                out.append("  * ").append(line(members.get(0))).append('\n');
            } else {
                out.append("  * Resource Group: ").append(key).append(":\n");
                members.forEach(member -> out.append("    * ").append(line(member)).append('\n'));
            }
        });
        if (!status.failures().isEmpty()) {
            out.append("\nFailed Resource Actions:\n");
            for (FailureRecord failure : status.failures()) {
                out.append("  * ").append(failure.resource()).append(' ').append(failure.operation()).append(" on ")
                        .append(failure.node()).append(" '").append(failure.status().text()).append("' (")
                        .append(failure.status().code()).append("): at ").append(TIME.format(failure.at()))
                        .append(", reason='").append(failure.reason()).append("'\n");
            }
            out.append("\nMigration Summary:\n");
            Map<String, List<FailureRecord>> byNode = new LinkedHashMap<>();
            status.failures().forEach(f -> byNode.computeIfAbsent(f.node(), n -> new ArrayList<>()).add(f));
            byNode.forEach((node, failures) -> {
                out.append("  * Node: ").append(node).append(":\n");
                for (FailureRecord f : failures) {
                    out.append("    * ").append(f.resource()).append(": migration-threshold=")
                            .append(count(f.migrationThreshold())).append(" fail-count=").append(count(f.failCount()))
                            .append(" last-failure='").append(TIME.format(f.at())).append("'\n");
                }
            });
        }
        if (!status.fencing().isEmpty()) {
            out.append("\nFencing History:\n");
            status.fencing().forEach(f -> out.append("  * ").append(f.node()).append(": ")
                    .append(f.outcome().name().toLowerCase()).append(" at ").append(TIME.format(f.at()))
                    .append(" (").append(f.detail()).append(")\n"));
        }
        return out.toString();
    }

    private static String count(int value) {
        return value == Integer.MAX_VALUE ? "INFINITY" : String.valueOf(value);
    }

    private static String line(ResourceStatus resource) {
        return resource.id() + "\t(" + resource.type() + "):\t " + resource.summary();
    }

}
