package io.appliance.cluster.runtime;

import io.appliance.cluster.placement.LocalState;
import java.util.Map;

/**
 * One primitive: its group (nullable), the node the current decision targets (nullable), per-node states and
 * fail counts, a crm_mon-like {@code summary} ("Started node2", "Stopped", "FAILED node1", "Stopped (blocked: ...)")
 * and the placement's explanation.
 */
public record ResourceStatus(String id, String type, String group, String target, Map<String, LocalState> states,
        Map<String, Integer> failCounts, String summary, String explanation) {
}
