package io.appliance.cluster.agent;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The agent factories of this node, by canonical type. A factory whose types contain {@code "lsb:*"} creates every
 * {@code lsb:<name>} type. Two factories for one type are refused.
 */
public final class AgentRegistry {

    /** The pseudo type a factory lists to create every {@code lsb:<name>} type. */
    public static final String ANY_LSB = "lsb:*";

    private final Map<String, ResourceAgentFactory> byType;

    public AgentRegistry(List<ResourceAgentFactory> factories) {
        Map<String, ResourceAgentFactory> types = new HashMap<>();
        for (ResourceAgentFactory factory : factories) {
            for (String type : factory.types()) {
                ResourceAgentFactory previous = types.putIfAbsent(type, factory);
                if (previous != null) {
                    throw new IllegalArgumentException("two agent factories for resource type " + type + ": "
                            + previous.getClass().getName() + " and " + factory.getClass().getName());
                }
            }
        }
        this.byType = Map.copyOf(types);
    }

    /**
     * An agent for {@code resource}.
     *
     * @throws IllegalArgumentException when no factory creates its type
     */
    public ResourceAgent create(PrimitiveDefinition resource) {
        return factory(resource.type())
                .orElseThrow(() -> new IllegalArgumentException("no resource agent for type " + resource.type()
                        + " of resource " + resource.id() + " (known: " + String.join(", ", types()) + ")"))
                .create(resource);
    }

    public boolean supports(String canonicalType) {
        return factory(canonicalType).isPresent();
    }

    /** The types of every factory, {@code lsb:*} included as such. */
    public Set<String> types() {
        return byType.keySet();
    }

    private Optional<ResourceAgentFactory> factory(String type) {
        ResourceAgentFactory exact = byType.get(type);
        if (exact != null) {
            return Optional.of(exact);
        }
        if (type.startsWith(LsbAgent.TYPE_PREFIX) && type.length() > LsbAgent.TYPE_PREFIX.length()) {
            return Optional.ofNullable(byType.get(ANY_LSB));
        }
        return Optional.empty();
    }
}
