package io.appliance.cluster.runtime;

import java.util.List;
import java.util.Objects;

/**
 * One agreed membership of the cluster: every member sees the same list in the same order.
 *
 * @param id      grows with every new view of one coordinator (JGroups' view counter)
 * @param members configured node names, the coordinator first
 */
public record MembershipView(long id, List<String> members) {

    public MembershipView {
        Objects.requireNonNull(members, "members");
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a view has at least one member");
        }
    }

    /** The first member: the only node that may decide, when the view has quorum. */
    public String coordinator() {
        return members.get(0);
    }
}
