package io.appliance.node.runtime;

import io.appliance.node.store.TargetRecord;
import java.util.List;

/**
 * A target as the node serves it.
 *
 * @param luns       its LUN numbers, ascending
 * @param initiators initiators with an ACL, sorted
 */
public record TargetState(TargetRecord record, int portalGroupTag, List<Integer> luns, List<String> initiators) {

    public TargetState {
        luns = List.copyOf(luns);
        initiators = List.copyOf(initiators);
    }
}
