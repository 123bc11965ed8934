package io.appliance.node.cluster;

import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterProperties;
import io.appliance.config.cluster.ColocationConstraint;
import io.appliance.config.cluster.DurationText;
import io.appliance.config.cluster.FenceDeviceDefinition;
import io.appliance.config.cluster.GroupDefinition;
import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.OperationDefinition;
import io.appliance.config.cluster.OrderConstraint;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.ResourceConfiguration;
import io.appliance.config.cluster.ResourceMeta;
import io.appliance.config.cluster.TargetRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Prints a {@link ClusterDefinition} as the node configuration's {@code cluster:} section, in the
 * spellings {@link ClusterConfiguration} reads back (the Heartbeat converter's output). Every value
 * that is not a plain word is double-quoted with YAML escapes; the secret is printed, as it must be
 * for the file to work (the caller warns that the output holds it).
 */
public final class ClusterYamlRenderer {

    /** Words YAML takes as they are: no quoting needed (and not a YAML 1.1 boolean or null). */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./-][A-Za-z0-9_./:-]*");
    private static final List<String> AMBIGUOUS = List.of("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~");

    private final StringBuilder out = new StringBuilder();

    private ClusterYamlRenderer() {
    }

    public static String render(ClusterDefinition definition) {
        ClusterYamlRenderer renderer = new ClusterYamlRenderer();
        renderer.cluster(definition);
        return renderer.out.toString();
    }

    private void cluster(ClusterDefinition definition) {
        line(0, "cluster:");
        line(1, "name: " + scalar(definition.name()));
        line(1, "transport: " + lower(definition.transport()));
        line(1, "port: " + definition.port());
        line(1, "keepalive: " + duration(definition.timing().keepalive()));
        line(1, "warntime: " + duration(definition.timing().warntime()));
        line(1, "deadtime: " + duration(definition.timing().deadtime()));
        line(1, "initdead: " + duration(definition.timing().initdead()));
        line(1, "authkey:");
        line(2, "method: " + lower(definition.authKey().method()));
        line(2, "secret: " + quoted(definition.authKey().secret()));
        line(1, "quorum:");
        line(2, "mode: " + lower(definition.quorum().mode()));
        line(2, "waitForAll: " + definition.quorum().waitForAll());
        line(2, "noQuorumPolicy: " + lower(definition.quorum().noQuorumPolicy()));
        line(1, "fencing:");
        line(2, "enabled: " + definition.fencing().enabled());
        line(2, "action: " + lower(definition.fencing().action()));
        line(2, "watchdogTimeout: " + duration(definition.fencing().watchdogTimeout()));
        line(2, "selfFenceTimeout: " + duration(definition.fencing().selfFenceTimeout()));
        if (definition.fencing().devices().isEmpty()) {
            line(2, "devices: []");
        } else {
            line(2, "devices:");
            for (FenceDeviceDefinition device : definition.fencing().devices()) {
                line(3, "- name: " + scalar(device.name()));
                line(4, "command: " + scalar(device.command()));
                line(4, "nodes: " + flowList(device.nodes()));
                line(4, "parameters: " + flowMap(device.parameters()));
                line(4, "timeout: " + duration(device.timeout()));
                line(4, "retries: " + device.retries());
            }
        }
        line(1, "nodes:");
        for (ClusterNodeDefinition node : definition.nodes()) {
            line(2, "- name: " + scalar(node.name()));
            line(3, "role: " + lower(node.role()));
            line(3, "votes: " + node.votes());
            line(3, "addresses: " + flowList(node.addresses()));
        }
        resources(definition.resources());
    }

    private void resources(ResourceConfiguration resources) {
        ClusterProperties properties = resources.properties();
        line(1, "properties:");
        line(2, "resource-stickiness: " + scalar(properties.resourceStickiness().toString()));
        line(2, "migration-threshold: " + (properties.migrationThreshold() == Integer.MAX_VALUE ? "INFINITY"
                : String.valueOf(properties.migrationThreshold())));
        line(2, "failure-timeout: " + duration(properties.failureTimeout()));
        line(2, "maintenance-mode: " + properties.maintenanceMode());
        line(2, "start-failure-is-fatal: " + properties.startFailureIsFatal());
        line(2, "symmetric-cluster: " + properties.symmetricCluster());
        if (resources.primitives().isEmpty()) {
            line(1, "resources: []");
        } else {
            line(1, "resources:");
            for (PrimitiveDefinition primitive : resources.primitives()) {
                line(2, "- id: " + scalar(primitive.id()));
                line(3, "type: " + scalar(primitive.type()));
                line(3, "params: " + flowMap(primitive.params()));
                if (!primitive.operations().isEmpty()) {
                    line(3, "ops:");
                    for (OperationDefinition op : primitive.operations()) {
                        line(4, "- {name: " + op.name() + ", interval: " + duration(op.interval()) + ", timeout: "
                                + duration(op.timeout()) + ", on-fail: " + lower(op.onFail()) + "}");
                    }
                }
                meta(3, primitive.meta());
            }
        }
        if (!resources.groups().isEmpty()) {
            line(1, "groups:");
            for (GroupDefinition group : resources.groups()) {
                line(2, "- id: " + scalar(group.id()));
                line(3, "resources: " + flowList(group.members()));
                meta(3, group.meta());
            }
        }
        if (!resources.locations().isEmpty() || !resources.colocations().isEmpty() || !resources.orders().isEmpty()) {
            line(1, "constraints:");
            List<String> locations = new ArrayList<>();
            for (LocationConstraint location : resources.locations()) {
                locations.add("{id: " + scalar(location.id()) + ", rsc: " + scalar(location.resource()) + ", node: "
                        + scalar(location.node()) + ", score: " + scalar(location.score().toString()) + "}");
            }
            List<String> colocations = new ArrayList<>();
            for (ColocationConstraint colocation : resources.colocations()) {
                colocations.add("{id: " + scalar(colocation.id()) + ", rsc: " + scalar(colocation.resource())
                        + ", with-rsc: " + scalar(colocation.withResource()) + ", score: "
                        + scalar(colocation.score().toString()) + "}");
            }
            List<String> orders = new ArrayList<>();
            for (OrderConstraint order : resources.orders()) {
                String kind = order.kind().name().charAt(0) + order.kind().name().substring(1).toLowerCase(Locale.ROOT);
                orders.add("{id: " + scalar(order.id()) + ", first: " + scalar(order.first()) + ", then: "
                        + scalar(order.then()) + ", kind: " + kind + "}");
            }
            block("location", locations);
            block("colocation", colocations);
            block("order", orders);
        }
    }

    private void block(String key, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        line(2, key + ":");
        items.forEach(item -> line(3, "- " + item));
    }

    private void meta(int depth, ResourceMeta meta) {
        List<String> entries = new ArrayList<>();
        meta.stickiness().ifPresent(score -> entries.add("resource-stickiness: " + scalar(score.toString())));
        meta.migrationThreshold().ifPresent(threshold -> entries.add("migration-threshold: "
                + (threshold == Integer.MAX_VALUE ? "INFINITY" : String.valueOf(threshold))));
        meta.failureTimeout().ifPresent(timeout -> entries.add("failure-timeout: " + duration(timeout)));
        if (meta.targetRole() != TargetRole.STARTED) {
            String role = meta.targetRole().name();
            entries.add("target-role: " + role.charAt(0) + role.substring(1).toLowerCase(Locale.ROOT));
        }
        if (!meta.managed()) {
            entries.add("is-managed: false");
        }
        if (!entries.isEmpty()) {
            line(depth, "meta: {" + String.join(", ", entries) + "}");
        }
    }

    private void line(int depth, String text) {
        out.append("  ".repeat(depth)).append(text).append('\n');
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static String duration(Duration duration) {
        return DurationText.format(duration);
    }

    private static String flowList(List<String> values) {
        return "[" + String.join(", ", values.stream().map(ClusterYamlRenderer::scalar).toList()) + "]";
    }

    private static String flowMap(Map<String, String> values) {
        List<String> entries = new ArrayList<>();
        values.forEach((key, value) -> entries.add(scalar(key) + ": " + quoted(value)));
        return "{" + String.join(", ", entries) + "}";
    }

    /** A plain word as it is, anything else double-quoted. */
    static String scalar(String value) {
        return PLAIN.matcher(value).matches() && !AMBIGUOUS.contains(value.toLowerCase(Locale.ROOT)) ? value : quoted(value);
    }

    /** A double-quoted YAML scalar (YAML 1.2 §7.3.1 escapes). */
    static String quoted(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\x%02x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
