package io.appliance.config.cluster;

import java.util.Map;
import java.util.TreeMap;

/** The canonical text of a {@link ResourceConfiguration} hashed by {@link ClusterDefinition#digest()}. */
final class CanonicalText {

    private CanonicalText() {
    }

    static void append(StringBuilder text, ResourceConfiguration resources) {
        ClusterProperties properties = resources.properties();
        text.append("properties ").append(properties.resourceStickiness()).append(' ')
                .append(properties.migrationThreshold()).append(' ').append(properties.failureTimeout()).append(' ')
                .append(properties.maintenanceMode()).append(' ').append(properties.startFailureIsFatal()).append(' ')
                .append(properties.symmetricCluster()).append('\n');
        for (PrimitiveDefinition primitive : resources.primitives()) {
            text.append("primitive ").append(primitive.id()).append(' ').append(primitive.type());
            appendMap(text, primitive.params());
            for (OperationDefinition operation : primitive.operations()) {
                text.append(" op ").append(operation.name()).append(' ').append(operation.interval()).append(' ')
                        .append(operation.timeout()).append(' ').append(operation.onFail());
            }
            appendMeta(text, primitive.meta());
        }
        for (GroupDefinition group : resources.groups()) {
            text.append("group ").append(group.id()).append(' ').append(String.join(",", group.members()));
            appendMeta(text, group.meta());
        }
        for (LocationConstraint location : resources.locations()) {
            text.append("location ").append(location.id()).append(' ').append(location.resource()).append(' ')
                    .append(location.node()).append(' ').append(location.score()).append('\n');
        }
        for (ColocationConstraint colocation : resources.colocations()) {
            text.append("colocation ").append(colocation.id()).append(' ').append(colocation.resource()).append(' ')
                    .append(colocation.withResource()).append(' ').append(colocation.score()).append('\n');
        }
        for (OrderConstraint order : resources.orders()) {
            text.append("order ").append(order.id()).append(' ').append(order.first()).append(' ')
                    .append(order.then()).append(' ').append(order.kind()).append('\n');
        }
    }

    private static void appendMap(StringBuilder text, Map<String, String> map) {
        new TreeMap<>(map).forEach((key, value) -> text.append(' ').append(key).append('=')
                .append(value.replace("\\", "\\\\").replace(" ", "\\s")));
    }

    private static void appendMeta(StringBuilder text, ResourceMeta meta) {
        text.append(" meta ").append(meta.stickiness().map(Score::toString).orElse("-")).append(' ')
                .append(meta.migrationThreshold().isPresent() ? Integer.toString(meta.migrationThreshold().getAsInt()) : "-")
                .append(' ').append(meta.failureTimeout().map(Object::toString).orElse("-")).append(' ')
                .append(meta.targetRole()).append(' ').append(meta.managed()).append('\n');
    }
}
