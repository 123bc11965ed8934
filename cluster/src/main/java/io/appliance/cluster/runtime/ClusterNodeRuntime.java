package io.appliance.cluster.runtime;

import io.appliance.cluster.agent.OcfStatus;
import io.appliance.cluster.placement.AdminState;
import io.appliance.cluster.placement.LocalState;
import io.appliance.cluster.placement.QuorumCalculator;
import io.appliance.cluster.placement.QuorumState;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.NoQuorumPolicy;
import io.appliance.config.cluster.OnFail;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.Score;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deterministic core of one node: single-threaded (every method on the caller's thread, which must be the same
 * thread or serialised), time from the injected clock, agent operations through the {@link LocalResourceManager}.
 * It keeps the quorum lease, reports this node's state every keepalive, follows the coordinator's decisions
 * (see {@link Reconciler}), decides when it is the quorate coordinator (see {@link Coordinator}), stops
 * everything without quorum and self-fences when that does not finish within {@code selfFenceTimeout}.
 */
public final class ClusterNodeRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNodeRuntime.class);
    private static final int REMEMBERED_REQUESTS = 64;

    private final ClusterDefinition definition;
    private final String localNode;
    private final Clock clock;
    private final ClusterTransport transport;
    /** A silent coordinator of this many deadtimes makes this node rejoin ({@link #rejoinIfTheCoordinatorIsSilent}). */
    static final int SILENT_COORDINATOR_DEADTIMES = 3;
    private Instant viewSince;
    private Instant lastRejoin;
    private final LocalResourceManager lrm;
    private final AdminStateStore store;
    private final NodeAttributes attributes;
    private final Consumer<ClusterEvent> events;
    private final SelfFence selfFence;
    private final ResourcePolicy policy;
    private final QuorumCalculator quorumCalculator;
    private final Lease lease;
    private final Coordinator coordinator;
    private final Reconciler reconciler;
    private final FailCounts failCounts = new FailCounts();
    private final Map<String, LocalState> states = new LinkedHashMap<>();
    private final Map<String, NodeReport> reports = new HashMap<>();
    private final Map<String, Instant> reportReceived = new HashMap<>();
    private final Set<String> warnedLate = new HashSet<>();
    private final Map<String, AdminState> appliedRequests = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AdminState> eldest) {
            return size() > REMEMBERED_REQUESTS;
        }
    };
    private final long incarnation = ThreadLocalRandom.current().nextLong();
    private final String configDigest;

    private long reportSequence;
    private MembershipView view;
    private boolean everSawAllNodes;
    private QuorumState quorum;
    private boolean quorate;
    private Instant quorumLostAt;
    private AdminState admin;
    private Decision followed;
    private int probesPending = -1;
    private boolean leaving;
    private boolean halted;
    private boolean dirty = true;
    private Instant lastReport = Instant.MIN;
    private Instant lastAdminBroadcast = Instant.MIN;
    private Instant startedAt;

    public ClusterNodeRuntime(ClusterDefinition definition, String localNode, Clock clock, ClusterTransport transport,
            LocalResourceManager lrm, FencingService fencing, AdminStateStore store, NodeAttributes attributes,
            Consumer<ClusterEvent> events) {
        this(definition, localNode, clock, transport, lrm, fencing, store, attributes, events, SelfFence.haltJvm());
    }

    public ClusterNodeRuntime(ClusterDefinition definition, String localNode, Clock clock, ClusterTransport transport,
            LocalResourceManager lrm, FencingService fencing, AdminStateStore store, NodeAttributes attributes,
            Consumer<ClusterEvent> events, SelfFence selfFence) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        if (definition.node(localNode).isEmpty()) {
            throw new IllegalArgumentException("node " + localNode + " is not configured in cluster "
                    + definition.name());
        }
        this.clock = clock;
        this.transport = transport;
        this.lrm = lrm;
        this.store = store;
        this.attributes = attributes;
        this.events = events;
        this.selfFence = selfFence;
        this.policy = new ResourcePolicy(definition);
        this.configDigest = definition.digest();
        this.quorumCalculator = new QuorumCalculator(definition);
        this.lease = new Lease(definition.timing().deadtime());
        this.coordinator = new Coordinator(definition, policy, localNode, fencing, this::emit);
        this.reconciler = new Reconciler(localNode, policy, lrm, states, this::onOutcome);
        // a witness only votes: it has no resources to probe, run or report
        boolean witness = definition.node(localNode).orElseThrow().role() == NodeRole.WITNESS;
        for (PrimitiveDefinition primitive : witness ? List.<PrimitiveDefinition>of()
                : definition.resources().primitives()) {
            states.put(primitive.id(), LocalState.UNKNOWN);
        }
        this.quorum = new QuorumState(false, 0, definition.quorumVotes(), "no view yet");
        this.admin = AdminState.initial();
    }

    /** Loads the admin state and starts the initial probe (a monitor of every resource). */
    public void start() {
        startedAt = clock.instant();
        admin = store.load();
        probesPending = states.size();
        for (String id : Set.copyOf(states.keySet())) {
            lrm.execute(id, "monitor", policy.timeout(id, "monitor"), this::onProbe);
        }
        if (probesPending == 0) {
            dirty = true;
        }
        emit("node", localNode, "starting (incarnation " + Long.toHexString(incarnation) + ")");
    }

    public void onView(MembershipView newView) {
        if (halted) {
            return;
        }
        MembershipView previous = view;
        view = newView;
        viewSince = clock.instant();
        if (previous != null) {
            forgetReportsOfRejoinedNodes(previous, newView);
        }
        if (newView.members().containsAll(definition.nodes().stream().map(ClusterNodeDefinition::name).toList())) {
            everSawAllNodes = true;
        }
        followed = null;
        coordinator.observeView(newView, clock.instant());
        emit("view", String.valueOf(newView.id()), newView.members().toString());
        dirty = true;
        step();
    }

    /**
     * A node that joins from outside the previous view may have restarted, or run on its own in another partition:
     * its last report from before is stale, and placing on it would count resources there that may have stopped
     * (stickiness pulling the units back to it). It has no facts until it reports again in this view, and its
     * heartbeat is late only after warntime from the join.
     */
    private void forgetReportsOfRejoinedNodes(MembershipView previous, MembershipView current) {
        Instant now = clock.instant();
        for (String member : current.members()) {
            if (!member.equals(localNode) && !previous.members().contains(member)) {
                reports.remove(member);
                reportReceived.put(member, now);
                warnedLate.remove(member);
            }
        }
    }

    public void onMessage(String fromNode, byte[] payload) {
        if (halted) {
            return;
        }
        Optional<ClusterMessage> decoded = ClusterMessageCodec.decode(fromNode, payload);
        if (decoded.isEmpty() || definition.node(fromNode).isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        lease.heard(fromNode, now);
        ClusterMessage message = decoded.get();
        if (message instanceof NodeReport report) {
            onReport(fromNode, report, now);
        } else if (message instanceof Decision decision) {
            onDecision(fromNode, decision);
        } else if (message instanceof AdminChange change) {
            if (isCoordinator()) {
                applyAdminChange(change);
            }
        } else if (message instanceof AdminUpdate update) {
            adoptAdmin(update.toState(), update.requestIds());
        } else if (message instanceof Cleanup cleanup) {
            onCleanup(cleanup);
        }
        step();
    }

    /** Call every keepalive/4: lease, quorum, timeouts, monitors, fencing and watchdog timers, reports. */
    public void tick() {
        if (halted) {
            return;
        }
        lrm.tick();
        if (failCounts.expire(clock.instant(), policy::failureTimeout)) {
            dirty = true;
        }
        warnLateHeartbeats();
        rejoinIfTheCoordinatorIsSilent();
        step();
    }

    /**
     * A coordinator of this node's view that has sent nothing for {@link #SILENT_COORDINATOR_DEADTIMES} deadtimes is
     * gone for the membership layer too, unless that layer disagrees with itself (the coordinator installed another
     * view under the same id, after a merge raced with a partition; JGroups then neither suspects it nor merges):
     * leave and join again, at most once per that period. Silence counts from the end of initdead at the earliest.
     * Safe: without a majority heard the lease has stopped this node's resources already.
     */
    private void rejoinIfTheCoordinatorIsSilent() {
        if (view == null || localNode.equals(view.coordinator())) {
            return;
        }
        Instant now = clock.instant();
        Duration limit = definition.timing().deadtime().multipliedBy(SILENT_COORDINATOR_DEADTIMES);
        // during initdead the membership layer suspects a silent member only at its end (InitdeadFailureDetection):
        // silence counts from then, so that it acts first; a rejoin now would chase a coordinator the others still follow
        Instant since = latest(latest(reportReceived.get(view.coordinator()), viewSince),
                startedAt == null ? null : startedAt.plus(definition.timing().initdead()));
        if (since == null || Duration.between(since, now).compareTo(limit) <= 0
                || (lastRejoin != null && Duration.between(lastRejoin, now).compareTo(limit) <= 0)) {
            return;
        }
        lastRejoin = now;
        String silent = String.format("%.1f s", Duration.between(since, now).toMillis() / 1000.0);
        LOG.warn("no word from coordinator {} for {} while it is in view {}; leaving and joining the cluster again",
                view.coordinator(), silent, view.id());
        emit("warn", view.coordinator(), "coordinator silent for " + silent + "; rejoining the cluster");
        transport.rejoin();
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    /** From REST: forwarded to the coordinator, or applied at once when this node is the quorate coordinator. */
    public void requestAdminChange(AdminChange change) {
        if (isCoordinator()) {
            applyAdminChange(change);
            step();
        } else if (view != null && !halted) {
            transport.send(view.coordinator(), ClusterMessageCodec.encode(change));
        }
    }

    /** Graceful: stop everything (reverse group order) and announce it; see {@link #leftCleanly()}. */
    public void leave() {
        leaving = true;
        dirty = true;
        emit("node", localNode, "leaving");
        step();
    }

    /** After {@link #leave()}: everything is stopped and the final report went out. */
    public boolean leftCleanly() {
        return leaving && reconciler.allStopped() && !dirty;
    }

    /** The admin state produced by a request, once this node has seen it. */
    public Optional<AdminState> appliedAdminRequest(String requestId) {
        return Optional.ofNullable(appliedRequests.get(requestId));
    }

    public AdminState adminState() {
        return admin;
    }

    public boolean halted() {
        return halted;
    }

    public ClusterStatus status() {
        return StatusBuilder.build(definition, policy, localNode, view, quorum, quorate, reports, states,
                failCounts, coordinator, followed, admin, clock.instant(), isCoordinator());
    }

    private void step() {
        if (halted) {
            return;
        }
        Instant now = clock.instant();
        updateQuorum(now);
        if (view != null) {
            coordinator.observeView(view, now);
        }
        if (isCoordinator() && probesPending == 0) {
            boolean place = now.isAfter(startedAt.plus(definition.timing().initdead())) || everSawAllNodes
                    || definition.nodes().stream().allMatch(n -> view.members().contains(n.name())
                            || coordinator.clean(n.name(), now));
            coordinator.step(now, view, reportsIncludingLocal(), admin, place, this::standbyAfterFailure)
                    .ifPresent(decision -> transport.broadcast(ClusterMessageCodec.encode(decision)));
        }
        reconcile(now);
        if (halted) {
            return;
        }
        if (dirty || !now.isBefore(lastReport.plus(definition.timing().keepalive()))) {
            sendReport(now);
        }
    }

    private void updateQuorum(Instant now) {
        Set<String> members = view == null ? Set.of(localNode) : Set.copyOf(view.members());
        QuorumState state = quorumCalculator.evaluate(members, lease.holders(now), everSawAllNodes);
        boolean nowQuorate = state.quorate()
                || definition.quorum().noQuorumPolicy() == NoQuorumPolicy.IGNORE;
        quorum = state;
        if (nowQuorate != quorate) {
            quorate = nowQuorate;
            dirty = true;
            emit("quorum", localNode, (quorate ? "gained: " : "lost: ") + state.reason());
            if (!quorate) {
                quorumLostAt = now;
                followed = null;
            } else {
                quorumLostAt = null;
            }
        }
    }

    private void reconcile(Instant now) {
        if (probesPending != 0) {
            return;
        }
        if (leaving) {
            reconciler.stopAll();
            return;
        }
        if (!quorate) {
            if (definition.quorum().noQuorumPolicy() == NoQuorumPolicy.STOP) {
                reconciler.stopAll();
                if (quorumLostAt != null && !reconciler.allStopped()
                        && !now.isBefore(quorumLostAt.plus(definition.fencing().selfFenceTimeout()))) {
                    halted = true;
                    String reason = "lost quorum at " + quorumLostAt + " and could not stop every resource within "
                            + definition.fencing().selfFenceTimeout().toMillis() + " ms";
                    emit("node", localNode, "self-fencing: " + reason);
                    selfFence.halt(reason);
                }
            }
            return;
        }
        if (followed != null && !followed.maintenance()) {
            reconciler.apply(followed.targets());
        }
    }

    private boolean isCoordinator() {
        return view != null && quorate && !halted && localNode.equals(view.coordinator());
    }

    private void onReport(String from, NodeReport report, Instant now) {
        if (!from.equals(report.node())) {
            LOG.warn("dropped a report for {} sent by {}", report.node(), from);
            return;
        }
        reports.put(from, report);
        reportReceived.put(from, now);
        warnedLate.remove(from);
        coordinator.observe(report);
        if (!report.configDigest().equals(configDigest) && !from.equals(localNode)) {
            LOG.warn("node {} runs another configuration (digest {})", from, report.configDigest());
        }
        if (report.adminVersion() < admin.version() && admin.version() > 0
                && !now.isBefore(lastAdminBroadcast.plus(definition.timing().keepalive()))) {
            lastAdminBroadcast = now;
            transport.broadcast(ClusterMessageCodec.encode(AdminUpdate.of(admin, List.copyOf(appliedRequests.keySet()))));
        }
    }

    private void onDecision(String from, Decision decision) {
        if (view == null || decision.epoch() != view.id() || !decision.coordinator().equals(view.coordinator())
                || !from.equals(decision.coordinator()) || !quorate || probesPending != 0) {
            return;
        }
        if (followed != null && followed.epoch() == decision.epoch() && followed.sequence() >= decision.sequence()) {
            return;
        }
        followed = decision;
        dirty = true;
    }

    private void onCleanup(Cleanup cleanup) {
        if (cleanup.node() != null && !cleanup.node().equals(localNode)) {
            return;
        }
        for (String id : states.keySet()) {
            if (cleanup.resource() != null && !cleanup.resource().equals(id)) {
                continue;
            }
            failCounts.clear(id);
            dirty = true;
            LocalState state = states.get(id);
            if ((state == LocalState.FAILED || state == LocalState.STOP_FAILED) && !lrm.busy(id)) {
                lrm.execute(id, "monitor", policy.timeout(id, "monitor"), this::onReprobe);
            }
        }
    }

    private void applyAdminChange(AdminChange change) {
        AdminState next = switch (change.kind()) {
            case STANDBY -> admin.withStandby(change.node(), true);
            case ONLINE -> admin.withStandby(change.node(), false);
            case MOVE -> admin.withoutCliConstraints(change.resource()).withCliConstraint(new LocationConstraint(
                    "cli-prefer-" + change.resource(), change.resource(), change.node(), Score.INFINITY));
            case BAN -> admin.withCliConstraint(new LocationConstraint("cli-ban-" + change.resource() + "-on-"
                    + change.node(), change.resource(), change.node(), Score.MINUS_INFINITY));
            case CLEAR -> admin.withoutCliConstraints(change.resource());
            case MAINTENANCE -> admin.withMaintenance(change.enabled());
            case CLEANUP -> new AdminState(admin.version() + 1, admin.standbyNodes(), admin.cliConstraints(),
                    admin.maintenanceMode());
        };
        if (change.kind() == AdminChange.Kind.CLEANUP) {
            transport.broadcast(ClusterMessageCodec.encode(new Cleanup(change.resource(), change.node())));
        }
        emit("admin", change.kind().name().toLowerCase(), describe(change));
        List<String> applied = new ArrayList<>(appliedRequests.keySet());
        if (change.requestId() != null) {
            applied.add(change.requestId());
        }
        transport.broadcast(ClusterMessageCodec.encode(AdminUpdate.of(next, applied)));
        adoptAdmin(next, applied);
    }

    private static String describe(AdminChange change) {
        StringBuilder text = new StringBuilder();
        if (change.resource() != null) {
            text.append("resource=").append(change.resource()).append(' ');
        }
        if (change.node() != null) {
            text.append("node=").append(change.node()).append(' ');
        }
        if (change.kind() == AdminChange.Kind.MAINTENANCE) {
            text.append("enabled=").append(change.enabled());
        }
        return text.toString().trim();
    }

    private void standbyAfterFailure(String node) {
        if (!admin.standbyNodes().contains(node)) {
            applyAdminChange(new AdminChange(AdminChange.Kind.STANDBY, null, node, true, null));
        }
    }

    private void adoptAdmin(AdminState state, List<String> requestIds) {
        for (String requestId : requestIds) {
            appliedRequests.putIfAbsent(requestId, state);
        }
        if (state.version() > admin.version()) {
            admin = state;
            store.save(state);
            dirty = true;
        }
    }

    private void onProbe(OperationOutcome outcome) {
        String id = outcome.resourceId();
        OcfStatus status = outcome.result().status();
        if (status == OcfStatus.OK) {
            states.put(id, LocalState.STARTED);
            scheduleMonitor(id);
        } else if (status == OcfStatus.NOT_RUNNING) {
            states.put(id, LocalState.STOPPED);
        } else {
            states.put(id, LocalState.FAILED);
            recordFailure(outcome, "probe", false);
        }
        probesPending--;
        if (probesPending == 0) {
            emit("node", localNode, "initial probe done " + states);
        }
        dirty = true;
        step();
    }

    private void onReprobe(OperationOutcome outcome) {
        String id = outcome.resourceId();
        OcfStatus status = outcome.result().status();
        states.put(id, status == OcfStatus.OK ? LocalState.STARTED
                : status == OcfStatus.NOT_RUNNING ? LocalState.STOPPED : LocalState.FAILED);
        if (status == OcfStatus.OK) {
            scheduleMonitor(id);
        }
        dirty = true;
        step();
    }

    private void onOutcome(OperationOutcome outcome) {
        String id = outcome.resourceId();
        boolean ok = outcome.result().isOk();
        String took = "took=" + outcome.took().toMillis() + "ms";
        switch (outcome.operation()) {
            case "start" -> {
                if (ok) {
                    states.put(id, LocalState.STARTED);
                    scheduleMonitor(id);
                    emit("resource", id, "started " + localNode + " " + took);
                } else {
                    states.put(id, LocalState.FAILED);
                    recordFailure(outcome, "start", policy.startFailureIsFatal());
                }
            }
            case "stop" -> {
                if (ok) {
                    states.put(id, LocalState.STOPPED);
                    emit("resource", id, "stopped " + localNode + " " + took);
                } else {
                    states.put(id, LocalState.STOP_FAILED);
                    recordFailure(outcome, "stop", false);
                }
            }
            default -> onMonitor(outcome);
        }
        dirty = true;
        step();
    }

    private void onMonitor(OperationOutcome outcome) {
        String id = outcome.resourceId();
        if (states.get(id) != LocalState.STARTED || outcome.result().isOk()) {
            return;
        }
        recordFailure(outcome, "monitor", false);
        if (policy.onFail(id, "monitor") != OnFail.IGNORE) {
            states.put(id, LocalState.FAILED);
            lrm.cancelMonitor(id);
        }
    }

    private void recordFailure(OperationOutcome outcome, String operation, boolean fatal) {
        OcfStatus status = outcome.result().status();
        FailureInfo info = new FailureInfo(operation, status.name(), outcome.result().reason(),
                outcome.finished().toEpochMilli());
        failCounts.record(outcome.resourceId(), info, outcome.finished(), fatal);
        emit("resource", outcome.resourceId(), operation + " failed on " + localNode + ": '" + status.text() + "' ("
                + status.code() + ") " + outcome.result().reason());
    }

    private void scheduleMonitor(String id) {
        policy.monitor(id).ifPresent(monitor -> lrm.scheduleMonitor(id, monitor.interval(), monitor.timeout(),
                this::onOutcome));
    }

    private Map<String, NodeReport> reportsIncludingLocal() {
        Map<String, NodeReport> all = new HashMap<>(reports);
        all.put(localNode, buildReport());
        return all;
    }

    private NodeReport buildReport() {
        Map<String, ResourceReport> resources = new LinkedHashMap<>();
        states.forEach((id, state) -> resources.put(id,
                new ResourceReport(state, failCounts.count(id), failCounts.lastFailure(id))));
        return new NodeReport(localNode, incarnation, reportSequence, configDigest, admin.version(),
                followed == null ? null : followed.ref(), resources, attributes.current(), probesPending == 0,
                leaving, quorate);
    }

    private void sendReport(Instant now) {
        reportSequence++;
        lastReport = now;
        dirty = false;
        transport.broadcast(ClusterMessageCodec.encode(buildReport()));
    }

    private void warnLateHeartbeats() {
        if (view == null) {
            return;
        }
        Instant now = clock.instant();
        Duration warntime = definition.timing().warntime();
        for (String member : view.members()) {
            Instant last = reportReceived.get(member);
            if (last != null && !member.equals(localNode) && !warnedLate.contains(member)
                    && Duration.between(last, now).compareTo(warntime) > 0) {
                warnedLate.add(member);
                String late = String.format("%.1f s", Duration.between(last, now).toMillis() / 1000.0);
                LOG.warn("late heartbeat from {} ({})", member, late);
                emit("warn", member, "late heartbeat (" + late + ")");
            }
        }
    }

    private void emit(ClusterEvent event) {
        events.accept(event);
    }

    private void emit(String kind, String subject, String detail) {
        emit(new ClusterEvent(clock.instant(), kind, subject, detail));
    }
}
