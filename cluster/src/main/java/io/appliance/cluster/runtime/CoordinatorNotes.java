package io.appliance.cluster.runtime;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What only the coordinator knows, sent with every decision so that {@code cluster status} reads the same on
 * every node: the nodes it still holds UNCLEAN, why each unit is where it is (or nowhere), and its fencing
 * history.
 */
public record CoordinatorNotes(Set<String> unclean, Map<String, String> explanations, List<FenceNote> fencing) {

    public static final CoordinatorNotes NONE = new CoordinatorNotes(Set.of(), Map.of(), List.of());

    public CoordinatorNotes {
        unclean = unclean == null ? Set.of() : Set.copyOf(unclean);
        explanations = explanations == null ? Map.of() : Map.copyOf(explanations);
        fencing = fencing == null ? List.of() : List.copyOf(fencing);
    }

    /** One fencing on the wire: {@link FenceRecord} with the outcome's name and epoch milliseconds. */
    public record FenceNote(String node, String outcome, String detail, long atEpochMillis) {
    }
}
