package io.appliance.cluster.runtime;

import java.util.Map;
import java.util.Set;

/**
 * The coordinator's placement: resource id to node; a resource absent from {@code targets} must be stopped
 * everywhere. Valid for a node only in the view {@code epoch} whose coordinator is {@code coordinator}.
 */
public record Decision(String coordinator, long epoch, long sequence, Map<String, String> targets,
        boolean maintenance, Set<String> fencedNodes, CoordinatorNotes notes) implements ClusterMessage {

    public Decision {
        targets = targets == null ? Map.of() : Map.copyOf(targets);
        fencedNodes = fencedNodes == null ? Set.of() : Set.copyOf(fencedNodes);
        notes = notes == null ? CoordinatorNotes.NONE : notes;
    }

    /** The same decision carrying the coordinator's current notes (they do not make it a new decision). */
    public Decision withNotes(CoordinatorNotes current) {
        return new Decision(coordinator, epoch, sequence, targets, maintenance, fencedNodes, current);
    }

    public DecisionRef ref() {
        return new DecisionRef(coordinator, epoch, sequence);
    }
}
