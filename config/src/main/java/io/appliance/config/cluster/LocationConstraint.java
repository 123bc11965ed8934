package io.appliance.config.cluster;

/**
 * Pacemaker's location constraint: {@code score} for running {@code resource} on {@code node}.
 *
 * @param id unique among all resource and constraint ids
 * @param resource a primitive or group id
 * @param node a configured node
 * @param score -INFINITY forbids the node, INFINITY requires it when it can run there
 */
public record LocationConstraint(String id, String resource, String node, Score score) {

    public LocationConstraint {
        PrimitiveDefinition.checkId(id, "id", "constraint id");
        PrimitiveDefinition.checkId(resource, "resource", "resource");
        Checks.name(node, "node", "node name");
        Checks.notNull(score, "score");
    }
}
