package io.appliance.cluster.runtime;

import io.appliance.cluster.placement.LocalState;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Applies a decision on this node with group order: for every unit not targeted here it stops the possibly
 * active members from the last to the first, one at a time; for a unit targeted here it starts the members from
 * the first to the last, each after the previous one is STARTED. A unit with a FAILED or STOP_FAILED member is
 * left alone until the coordinator reacts (stop it, fence, block). One operation per unit at a time.
 */
final class Reconciler {

    private final String localNode;
    private final ResourcePolicy policy;
    private final LocalResourceManager lrm;
    private final Map<String, LocalState> states;
    private final Consumer<OperationOutcome> outcomes;

    Reconciler(String localNode, ResourcePolicy policy, LocalResourceManager lrm, Map<String, LocalState> states,
            Consumer<OperationOutcome> outcomes) {
        this.localNode = localNode;
        this.policy = policy;
        this.lrm = lrm;
        this.states = states;
        this.outcomes = outcomes;
    }

    /** Follows {@code targets} (resource id to node; absent = stop here). */
    void apply(Map<String, String> targets) {
        for (String unit : policy.resources().units()) {
            List<String> members = policy.members(unit);
            // a witness has no local resources at all
            if (!states.keySet().containsAll(members) || members.stream().anyMatch(lrm::busy)) {
                continue;
            }
            boolean here = members.stream().allMatch(member -> localNode.equals(targets.get(member)));
            if (!here) {
                stopNext(members);
            } else {
                startNext(members);
            }
        }
    }

    /** Stops every unit (no quorum, leaving). */
    void stopAll() {
        apply(Map.of());
    }

    /** Whether nothing is possibly active here and no operation runs. */
    boolean allStopped() {
        return states.values().stream().allMatch(state -> state == LocalState.STOPPED)
                && states.keySet().stream().noneMatch(lrm::busy);
    }

    private void stopNext(List<String> members) {
        for (int i = members.size() - 1; i >= 0; i--) {
            String member = members.get(i);
            LocalState state = states.get(member);
            if (state == LocalState.STOPPED) {
                continue;
            }
            if (state == LocalState.STOP_FAILED) {
                return;
            }
            run(member, "stop", LocalState.STOPPING);
            return;
        }
    }

    private void startNext(List<String> members) {
        for (String member : members) {
            LocalState state = states.get(member);
            if (state != LocalState.STARTED && state != LocalState.STOPPED) {
                return;
            }
        }
        for (String member : members) {
            if (states.get(member) == LocalState.STOPPED) {
                run(member, "start", LocalState.STARTING);
                return;
            }
        }
    }

    private void run(String member, String operation, LocalState during) {
        states.put(member, during);
        lrm.cancelMonitor(member);
        lrm.execute(member, operation, policy.timeout(member, operation), outcomes);
    }
}
