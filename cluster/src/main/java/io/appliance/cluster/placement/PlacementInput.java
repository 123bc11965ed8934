package io.appliance.cluster.placement;

import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ResourceConfiguration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the {@link PlacementEngine} looks at.
 *
 * @param resources the configured resources, constraints and cluster properties
 * @param nodes     the configured nodes, in configuration order (the last tie-breaker)
 * @param facts     node name → what the coordinator knows about it; a configured node without facts is
 *                  treated as not a member
 * @param admin     standby nodes, cli constraints, maintenance mode
 */
public record PlacementInput(ResourceConfiguration resources, List<ClusterNodeDefinition> nodes,
        Map<String, NodeFacts> facts, AdminState admin) {

    public PlacementInput {
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(admin, "admin");
        nodes = List.copyOf(nodes);
        facts = Map.copyOf(facts);
    }
}
