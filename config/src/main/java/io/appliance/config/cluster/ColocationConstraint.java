package io.appliance.config.cluster;

/**
 * Pacemaker's colocation constraint: {@code resource} is placed relative to where {@code withResource} runs
 * (which is placed first).
 *
 * @param id unique among all resource and constraint ids
 * @param resource a primitive or group id
 * @param withResource another primitive or group id
 * @param score INFINITY: only with it; -INFINITY: never with it; else a preference
 */
public record ColocationConstraint(String id, String resource, String withResource, Score score) {

    public ColocationConstraint {
        PrimitiveDefinition.checkId(id, "id", "constraint id");
        PrimitiveDefinition.checkId(resource, "resource", "resource");
        PrimitiveDefinition.checkId(withResource, "withResource", "resource");
        Checks.require(!resource.equals(withResource), "withResource",
                "colocation " + id + ": a resource cannot be colocated with itself");
        Checks.notNull(score, "score");
    }
}
