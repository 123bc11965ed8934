package io.appliance.cluster.runtime;

import io.appliance.cluster.placement.LocalState;
import io.appliance.config.cluster.OrderConstraint;
import io.appliance.config.cluster.OrderKind;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Mandatory order constraints between units (Pacemaker's {@code kind=Mandatory}; order inside a group is the
 * reconciler's job). Applied by the coordinator to the targets it is about to decide:
 * <ul>
 *   <li>"then" is targeted only while every member of "first" is STARTED on the node "first" is targeted to,
 *       and "first" is not being held back;</li>
 *   <li>"first" leaves the node it runs on only after "then" has stopped everywhere: until then it stays
 *       targeted where it runs (held back), and "then" gets no target, so it stops.</li>
 * </ul>
 * {@code Optional} constraints only order actions that happen in the same transition on one node, which the
 * reconciler's sequential execution does anyway; they are not enforced across nodes.
 */
final class UnitOrdering {

    private final ResourcePolicy policy;

    UnitOrdering(ResourcePolicy policy) {
        this.policy = policy;
    }

    /**
     * Adjusts {@code targets} (primitive id → node) in place and records why a unit waits.
     *
     * @param reports the latest report of each member node
     */
    void apply(Map<String, String> targets, Map<String, NodeReport> reports, Set<String> members,
            Map<String, String> explanations) {
        List<OrderConstraint> orders = policy.resources().orders().stream()
                .filter(order -> order.kind() == OrderKind.MANDATORY).toList();
        Set<String> heldBack = new HashSet<>();
        // a chain a -> b -> c settles in at most one pass per constraint
        for (int pass = 0; pass <= orders.size(); pass++) {
            boolean changed = false;
            for (OrderConstraint order : orders) {
                String firstUnit = unitFor(order.first());
                String thenUnit = unitFor(order.then());
                List<String> first = policy.members(firstUnit);
                List<String> then = policy.members(thenUnit);
                Optional<String> firstRunsOn = startedOn(first, reports, members);
                String firstTarget = targets.get(first.get(0));
                if (firstRunsOn.isPresent() && !firstRunsOn.get().equals(firstTarget) && active(then, reports, members)
                        && heldBack.add(firstUnit)) {
                    first.forEach(member -> targets.put(member, firstRunsOn.get()));
                    explanations.put(firstUnit, "waiting: order " + order.id() + ": " + order.then()
                            + " must stop before " + order.first() + " moves");
                    changed = true;
                }
                firstTarget = targets.get(first.get(0));
                boolean firstReady = firstTarget != null && !heldBack.contains(firstUnit)
                        && firstRunsOn.map(firstTarget::equals).orElse(false);
                if (!firstReady && then.stream().anyMatch(targets::containsKey)) {
                    then.forEach(targets::remove);
                    explanations.put(thenUnit, "waiting: order " + order.id() + ": " + order.first()
                            + " must be started first");
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
    }

    private String unitFor(String resource) {
        return policy.resources().group(resource).isPresent() ? resource : policy.unitOf(resource);
    }

    /** The member node on which every member of the unit reports STARTED, if there is one. */
    private static Optional<String> startedOn(List<String> unitMembers, Map<String, NodeReport> reports,
            Set<String> members) {
        return members.stream().filter(node -> {
            NodeReport report = reports.get(node);
            return report != null && unitMembers.stream().allMatch(member -> {
                ResourceReport r = report.resources().get(member);
                return r != null && r.state() == LocalState.STARTED;
            });
        }).findFirst();
    }

    private static boolean active(List<String> unitMembers, Map<String, NodeReport> reports, Set<String> members) {
        return members.stream().map(reports::get).anyMatch(report -> report != null && unitMembers.stream()
                .anyMatch(member -> {
                    ResourceReport r = report.resources().get(member);
                    return r != null && r.state().possiblyActive();
                }));
    }
}
