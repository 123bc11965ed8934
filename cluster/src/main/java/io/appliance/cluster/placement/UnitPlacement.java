package io.appliance.cluster.placement;

import io.appliance.config.cluster.Score;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one unit should run.
 *
 * @param unit        a group id or an ungrouped primitive id
 * @param node        the chosen node; empty = stopped everywhere (the explanation says why)
 * @param scores      configured node → its final score for this unit (-INFINITY where forbidden or not a
 *                    candidate); empty when the unit was not scored (target-role, unmanaged, maintenance)
 * @param explanation why this node, or why none, in words an operator can act on
 */
public record UnitPlacement(String unit, Optional<String> node, Map<String, Score> scores, String explanation) {

    public UnitPlacement {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(explanation, "explanation");
        scores = Map.copyOf(scores);
    }
}
