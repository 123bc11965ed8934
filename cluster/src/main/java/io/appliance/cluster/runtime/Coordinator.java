package io.appliance.cluster.runtime;

import io.appliance.cluster.fence.FenceOutcome;
import io.appliance.cluster.fence.FenceResult;
import io.appliance.cluster.placement.AdminState;
import io.appliance.cluster.placement.LocalState;
import io.appliance.cluster.placement.NodeFacts;
import io.appliance.cluster.placement.PlacementEngine;
import io.appliance.cluster.placement.PlacementInput;
import io.appliance.cluster.placement.UnitPlacement;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.OnFail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The coordinator's decisions, from facts: which nodes are clean, what the placement engine says, and the
 * safety rule — a unit is targeted to node X only when no other node may still have it active (every other
 * member reports it STOPPED under one of this epoch's decisions that does not target it there, every lost
 * storage node is fenced, past the watchdog timeout or left cleanly), or when X already runs it and no other
 * node reports it. It also reacts to failures per on-fail (restart, block, standby, fence, stop).
 * Runs on the runtime thread.
 */
final class Coordinator {

    private final ClusterDefinition definition;
    private final ResourcePolicy policy;
    private final String localNode;
    private final FencingService fencing;
    private final Consumer<ClusterEvent> events;
    private final PlacementEngine engine = new PlacementEngine();
    private final UnitOrdering ordering;
    private final String configDigest;

    private long epoch = -1;
    private long sequence;
    private final Map<Long, Map<String, String>> history = new HashMap<>();
    private Decision current;
    private Instant lastBroadcast = Instant.MIN;

    private final Map<String, Instant> lostSince = new HashMap<>();
    private final Set<String> absent = new HashSet<>();
    private final Set<String> fenced = new HashSet<>();
    private final Set<String> leftCleanly = new HashSet<>();
    private final Set<String> fencingNow = new HashSet<>();
    private final Map<String, Instant> nextFenceAttempt = new HashMap<>();
    private final List<FenceRecord> fenceRecords = new ArrayList<>();
    private final Map<String, String> explanations = new HashMap<>();

    Coordinator(ClusterDefinition definition, ResourcePolicy policy, String localNode, FencingService fencing,
            Consumer<ClusterEvent> events) {
        this.definition = definition;
        this.policy = policy;
        this.localNode = localNode;
        this.fencing = fencing;
        this.events = events;
        this.configDigest = definition.digest();
        this.ordering = new UnitOrdering(policy);
    }

    /** Every report passes here, coordinator or not: a final report with everything stopped makes a node clean. */
    void observe(NodeReport report) {
        if (report.leaving() && report.resources().values().stream().allMatch(r -> r.state() == LocalState.STOPPED)) {
            leftCleanly.add(report.node());
        }
    }

    /** Tracks members and lost nodes; call on every tick and view, coordinator or not. */
    void observeView(MembershipView view, Instant now) {
        for (ClusterNodeDefinition node : definition.nodes()) {
            String name = node.name();
            if (view.members().contains(name)) {
                lostSince.remove(name);
                if (absent.remove(name)) {
                    fenced.remove(name);
                    leftCleanly.remove(name);
                    nextFenceAttempt.remove(name);
                }
            } else {
                absent.add(name);
                lostSince.putIfAbsent(name, now);
            }
        }
    }

    boolean clean(String node, Instant now) {
        if (fenced.contains(node) || leftCleanly.contains(node)) {
            return true;
        }
        Instant since = lostSince.get(node);
        Duration watchdog = definition.fencing().watchdogTimeout();
        return since != null && !watchdog.isZero() && !now.isBefore(since.plus(watchdog));
    }

    boolean fenced(String node) {
        return fenced.contains(node);
    }

    List<FenceRecord> fenceRecords() {
        return List.copyOf(fenceRecords);
    }

    Map<String, String> explanations() {
        return Map.copyOf(explanations);
    }

    Optional<Decision> current() {
        return Optional.ofNullable(current);
    }

    /**
     * One round while this node is the quorate coordinator of {@code view}: fences what must be fenced and
     * returns the decision to broadcast (a new one, or the current one again every keepalive).
     *
     * @param reports    the latest report of every node (members and last known of lost ones)
     * @param place      false while waiting for initdead: nothing is placed yet
     * @param standby    puts a node in standby (on-fail=standby)
     */
    Optional<Decision> step(Instant now, MembershipView view, Map<String, NodeReport> reports, AdminState admin,
            boolean place, Consumer<String> standby) {
        if (view.id() != epoch) {
            epoch = view.id();
            sequence = 0;
            history.clear();
            current = null;
        }
        Set<String> members = new HashSet<>(view.members());
        members.removeAll(fenced);
        for (ClusterNodeDefinition node : definition.nodes()) {
            // a node never heard from may still be booting: it is fenced (startup fencing) only once initdead
            // has passed, when placement starts without it
            boolean everReported = reports.containsKey(node.name());
            if (!members.contains(node.name()) && !clean(node.name(), now) && (everReported || place)) {
                fenceIfPossible(node.name(), now, everReported ? "lost" : "not seen since start");
            }
        }
        if (place && current == null && !reports.keySet().containsAll(members)) {
            // the first decision of an epoch waits for a report from every member (Pacemaker's join phase): a
            // member that just joined or merged has no facts here yet, and deciding without them could stop a unit
            // where it runs; until then the members keep what they run
            return Optional.empty();
        }
        Map<String, String> targets = place
                ? targets(now, view, members, reports, admin, standby)
                : current == null ? Map.of() : current.targets();
        boolean maintenance = admin.maintenanceMode() || policy.resources().properties().maintenanceMode();
        Duration keepalive = definition.timing().keepalive();
        if (current == null || !current.targets().equals(targets) || current.maintenance() != maintenance
                || !current.fencedNodes().equals(fenced)) {
            sequence++;
            current = new Decision(localNode, epoch, sequence, targets, maintenance, fenced, null);
            history.put(sequence, targets);
            lastBroadcast = now;
            events.accept(new ClusterEvent(now, "decision", "epoch " + epoch + " #" + sequence, targets.toString()));
            return Optional.of(current.withNotes(notes(now)));
        }
        if (!now.isBefore(lastBroadcast.plus(keepalive))) {
            lastBroadcast = now;
            return Optional.of(current.withNotes(notes(now)));
        }
        return Optional.empty();
    }

    private CoordinatorNotes notes(Instant now) {
        Set<String> unclean = new HashSet<>();
        for (String node : absent) {
            if (!clean(node, now)) {
                unclean.add(node);
            }
        }
        List<CoordinatorNotes.FenceNote> fencing = fenceRecords.stream()
                .map(r -> new CoordinatorNotes.FenceNote(r.node(), r.outcome().name(), r.detail(), r.at().toEpochMilli()))
                .toList();
        return new CoordinatorNotes(unclean, explanations, fencing);
    }

    private Map<String, String> targets(Instant now, MembershipView view, Set<String> members,
            Map<String, NodeReport> reports, AdminState admin, Consumer<String> standby) {
        Map<String, NodeFacts> facts = new LinkedHashMap<>();
        for (ClusterNodeDefinition node : definition.nodes()) {
            facts.put(node.name(), facts(node, members, reports.get(node.name()), admin, now));
        }
        Map<String, UnitPlacement> placements = engine.place(
                new PlacementInput(policy.resources(), definition.nodes(), facts, admin));
        Map<String, String> targets = new LinkedHashMap<>();
        for (String unit : policy.resources().units()) {
            Optional<String> target = unitTarget(unit, placements.get(unit), now, members, reports, standby);
            target.ifPresent(node -> policy.members(unit).forEach(member -> targets.put(member, node)));
        }
        ordering.apply(targets, reports, members, explanations);
        return targets;
    }

    private NodeFacts facts(ClusterNodeDefinition node, Set<String> members, NodeReport report, AdminState admin,
            Instant now) {
        boolean member = members.contains(node.name());
        Map<String, LocalState> states = new HashMap<>();
        Map<String, Integer> failCounts = new HashMap<>();
        if (report != null) {
            report.resources().forEach((id, r) -> {
                states.put(id, r.state());
                if (r.failCount() > 0) {
                    failCounts.put(id, r.failCount());
                }
            });
        }
        boolean configMatches = report != null && report.probed()
                && report.configDigest().equals(configDigest);
        return new NodeFacts(node.name(), node.role(), member, member || clean(node.name(), now),
                admin.standbyNodes().contains(node.name()), configMatches, member ? states : Map.of(), failCounts,
                report == null ? Map.of() : report.attributes());
    }

    private Optional<String> unitTarget(String unit, UnitPlacement placement, Instant now, Set<String> members,
            Map<String, NodeReport> reports, Consumer<String> standby) {
        List<String> unitMembers = policy.members(unit);
        String previous = current == null ? null : current.targets().get(unitMembers.get(0));
        boolean restart = false;
        for (String node : members) {
            NodeReport report = reports.get(node);
            if (report == null) {
                continue;
            }
            for (String member : unitMembers) {
                ResourceReport r = report.resources().get(member);
                if (r == null || (r.state() != LocalState.FAILED && r.state() != LocalState.STOP_FAILED)) {
                    continue;
                }
                String operation = r.state() == LocalState.STOP_FAILED ? "stop"
                        : r.lastFailure() == null ? "monitor" : r.lastFailure().operation();
                OnFail onFail = policy.onFail(member, operation);
                // a copy failing on a node the unit is not targeted to (a stray found by a probe) does not move
                // the unit away from the node that runs it
                boolean elsewhere = previous != null && !node.equals(previous);
                if (onFail == OnFail.FENCE) {
                    if (fencing.canFence(node)) {
                        fenceIfPossible(node, now, member + " " + operation + " failed");
                        if (elsewhere) {
                            continue;
                        }
                        explanations.put(unit, "waiting: fencing " + node + " after " + member + " " + operation
                                + " failed");
                        return Optional.empty();
                    }
                    onFail = OnFail.BLOCK;
                }
                if (elsewhere) {
                    continue;
                }
                switch (onFail) {
                    case BLOCK -> {
                        explanations.put(unit, "blocked: " + member + " " + operation + " failed on " + node
                                + (operation.equals("stop") ? " and no fence device can fence it" : ""));
                        return Optional.ofNullable(previous);
                    }
                    case STANDBY -> {
                        standby.accept(node);
                        restart = true;
                    }
                    default -> restart = true;
                }
            }
        }
        for (NodeReport report : reports.values()) {
            for (String member : unitMembers) {
                ResourceReport r = report.resources().get(member);
                if (r != null && r.lastFailure() != null && policy.onFail(member, r.lastFailure().operation())
                        == OnFail.STOP) {
                    explanations.put(unit, "stopped: on-fail=stop after " + member + " "
                            + r.lastFailure().operation() + " failed on " + report.node() + " (clean it up)");
                    return Optional.empty();
                }
            }
        }
        if (restart) {
            explanations.put(unit, "recovering: stopping after a failure");
            return Optional.empty();
        }
        if (placement == null || placement.node().isEmpty()) {
            explanations.put(unit, placement == null ? "not placed" : placement.explanation());
            return Optional.empty();
        }
        String node = placement.node().get();
        if (node.equals(previous)) {
            // already targeted there in this epoch: the safety rule held when it was first targeted, and a
            // report that lags the decision (still STOPPED while the node starts it) must not flip it back
            explanations.put(unit, placement.explanation() + diskNotes(unitMembers, node, members, reports));
            return Optional.of(node);
        }
        Optional<String> unsafe = unsafeBecause(unitMembers, node, now, members, reports);
        if (unsafe.isPresent()) {
            explanations.put(unit, "waiting: " + unsafe.get());
            return Optional.empty();
        }
        explanations.put(unit, placement.explanation() + diskNotes(unitMembers, node, members, reports));
        return Optional.of(node);
    }

    /** Why other members cannot take a unit with a replicated disk: "; r0 disk not UpToDate on node1 (Outdated)". */
    private String diskNotes(List<String> unitMembers, String target, Set<String> members,
            Map<String, NodeReport> reports) {
        StringBuilder notes = new StringBuilder();
        for (String member : unitMembers) {
            var primitive = policy.primitive(member);
            if (!primitive.type().equals("replicated-disk")) {
                continue;
            }
            String key = "replicated-disk:" + primitive.params().get("resource");
            for (String node : members) {
                NodeReport report = reports.get(node);
                String state = report == null ? null : report.attributes().get(key);
                if (!node.equals(target) && definition.node(node).map(n -> n.role() == NodeRole.STORAGE).orElse(false)
                        && !"UpToDate".equals(state)) {
                    notes.append("; ").append(primitive.params().get("resource")).append(" disk not UpToDate on ")
                            .append(node).append(" (").append(state == null ? "unknown" : state).append(')');
                }
            }
        }
        return notes.toString();
    }

    /** Why the unit may not be targeted to {@code target} yet, or empty when it may. */
    private Optional<String> unsafeBecause(List<String> unitMembers, String target, Instant now, Set<String> members,
            Map<String, NodeReport> reports) {
        boolean othersQuiet = true;
        for (ClusterNodeDefinition node : definition.nodes()) {
            if (node.name().equals(target) || node.role() == NodeRole.WITNESS) {
                continue;
            }
            NodeReport report = reports.get(node.name());
            boolean unknownMember = report == null && members.contains(node.name());
            if (unknownMember || (report != null && !clean(node.name(), now) && activeIn(report, unitMembers))) {
                othersQuiet = false;
            }
        }
        NodeReport targetReport = reports.get(target);
        // keeping a unit where it fully runs starts nothing: a stray copy elsewhere stops (it is not targeted there)
        if (targetReport != null && allStarted(targetReport, unitMembers)) {
            return Optional.empty();
        }
        if (othersQuiet && targetReport != null && activeIn(targetReport, unitMembers)) {
            return Optional.empty();
        }
        for (ClusterNodeDefinition node : definition.nodes()) {
            String name = node.name();
            if (name.equals(target) || node.role() == NodeRole.WITNESS) {
                continue;
            }
            if (!members.contains(name)) {
                if (!clean(name, now)) {
                    return Optional.of(name + " is UNCLEAN (not fenced, watchdog timeout not passed)");
                }
                continue;
            }
            NodeReport report = reports.get(name);
            if (report == null || !report.probed()) {
                return Optional.of(name + " has not reported its resources yet");
            }
            if (activeIn(report, unitMembers)) {
                return Optional.of("still active on " + name);
            }
            DecisionRef ref = report.decisionRef();
            Map<String, String> applied = ref != null && ref.epoch() == epoch && ref.coordinator().equals(localNode)
                    ? history.get(ref.sequence()) : null;
            if (applied == null || unitMembers.stream().anyMatch(m -> name.equals(applied.get(m)))) {
                return Optional.of(name + " has not confirmed the current decision");
            }
        }
        return Optional.empty();
    }

    private static boolean allStarted(NodeReport report, List<String> unitMembers) {
        return unitMembers.stream().allMatch(member -> {
            ResourceReport r = report.resources().get(member);
            return r != null && r.state() == LocalState.STARTED;
        });
    }

    private static boolean activeIn(NodeReport report, List<String> unitMembers) {
        return unitMembers.stream().anyMatch(member -> {
            ResourceReport r = report.resources().get(member);
            return r == null || r.state().possiblyActive();
        });
    }

    private void fenceIfPossible(String node, Instant now, String why) {
        if (!definition.fencing().enabled() || !fencing.canFence(node) || fencingNow.contains(node)
                || fenced.contains(node) || now.isBefore(nextFenceAttempt.getOrDefault(node, Instant.MIN))) {
            return;
        }
        fencingNow.add(node);
        events.accept(new ClusterEvent(now, "fence", node, "fencing (" + why + ")"));
        fencing.fence(node, result -> fenceDone(node, result, now));
    }

    private void fenceDone(String node, FenceResult result, Instant requested) {
        fencingNow.remove(node);
        fenceRecords.add(new FenceRecord(node, result.outcome(), result.detail(), requested));
        events.accept(new ClusterEvent(requested, "fence", node, result.outcome() + " " + result.detail()));
        if (result.outcome() == FenceOutcome.SUCCESS) {
            fenced.add(node);
        } else {
            nextFenceAttempt.put(node, requested.plus(definition.timing().deadtime()));
        }
    }
}
