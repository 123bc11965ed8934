package io.appliance.cluster.agent;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.util.Set;
import java.util.function.Function;

/** A factory for exactly one canonical type ({@link ResourceAgentFactory#of}). */
record SingleTypeFactory(String type, Function<PrimitiveDefinition, ResourceAgent> creator)
        implements ResourceAgentFactory {

    @Override
    public Set<String> types() {
        return Set.of(type);
    }

    @Override
    public ResourceAgent create(PrimitiveDefinition resource) {
        if (!resource.type().equals(type)) {
            throw new IllegalArgumentException("resource " + resource.id() + " has type " + resource.type()
                    + ", this factory creates " + type);
        }
        return creator.apply(resource);
    }
}
