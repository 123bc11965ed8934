package io.appliance.config.cluster;

/**
 * Pacemaker's order constraint: {@code then} starts after {@code first} has started and stops before it.
 *
 * @param id unique among all resource and constraint ids
 * @param first a primitive or group id
 * @param then another primitive or group id
 * @param kind mandatory or optional
 */
public record OrderConstraint(String id, String first, String then, OrderKind kind) {

    public OrderConstraint {
        PrimitiveDefinition.checkId(id, "id", "constraint id");
        PrimitiveDefinition.checkId(first, "first", "resource");
        PrimitiveDefinition.checkId(then, "then", "resource");
        Checks.require(!first.equals(then), "then", "order " + id + ": a resource cannot be ordered after itself");
        Checks.notNull(kind, "kind");
    }
}
