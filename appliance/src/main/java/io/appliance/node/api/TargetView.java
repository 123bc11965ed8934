package io.appliance.node.api;

import io.appliance.node.runtime.TargetState;
import java.util.List;

/** A target as the API shows it. */
public record TargetView(String name, String alias, boolean openAccess, int portalGroupTag, List<Integer> luns,
        List<String> acls, String createdAt) {

    static TargetView of(TargetState state) {
        var record = state.record();
        return new TargetView(record.name(), record.alias(), record.openAccess(), state.portalGroupTag(), state.luns(),
                state.initiators(), record.createdAt().toString());
    }
}
