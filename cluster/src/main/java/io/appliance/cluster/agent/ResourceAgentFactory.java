package io.appliance.cluster.agent;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.util.Set;
import java.util.function.Function;

/**
 * Creates the agents of one or more canonical resource types (see {@code ResourceTypes}). A factory
 * whose {@link #types()} contains {@code "lsb:*"} creates every {@code lsb:<name>} type.
 */
public interface ResourceAgentFactory {

    /** The canonical types this factory creates agents for. */
    Set<String> types();

    /**
     * An agent for {@code resource}; cheap, does no I/O (the first operation does).
     *
     * @throws IllegalArgumentException when the type is not one of {@link #types()}
     */
    ResourceAgent create(PrimitiveDefinition resource);

    /** A factory for one canonical type whose agents {@code creator} makes. */
    static ResourceAgentFactory of(String type, Function<PrimitiveDefinition, ResourceAgent> creator) {
        return new SingleTypeFactory(type, creator);
    }
}
