package io.appliance.cluster.kit;

import io.appliance.cluster.agent.AgentRegistry;
import io.appliance.cluster.fence.FenceDevice;
import io.appliance.cluster.placement.AdminState;
import io.appliance.cluster.runtime.AdminStateStore;
import io.appliance.cluster.runtime.ClusterEvent;
import io.appliance.cluster.runtime.ClusterMessage;
import io.appliance.cluster.runtime.ClusterMessageCodec;
import io.appliance.cluster.runtime.ClusterNodeRuntime;
import io.appliance.cluster.runtime.ClusterStatus;
import io.appliance.cluster.runtime.ClusterTransport;
import io.appliance.cluster.runtime.DeviceFencing;
import io.appliance.cluster.runtime.LocalResourceManager;
import io.appliance.cluster.runtime.MembershipView;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.PrimitiveDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * N nodes, each a {@link ClusterNodeRuntime} on one manual clock, joined by an in-memory transport whose views
 * are the connected components of a connectivity matrix, members oldest first (the oldest coordinates, as in
 * JGroups: a restarted node joins as the youngest). Everything runs on the test's thread, deterministically:
 * {@link #advance(Duration)} moves the clock in keepalive/4 steps, ticks every live node, runs all queued work
 * (agent operations, completions, messages) and checks after each step that no resource is possibly active on two
 * nodes (a failed start or stop counts as active until a stop succeeds or the machine goes down).
 */
public final class InMemoryCluster {

    /** One message in flight. {@code message} is null for raw bytes that do not decode. */
    public record Envelope(String from, String to, ClusterMessage message, byte[] payload) {
    }

    private final ClusterDefinition definition;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final FakeAgents agents;
    private final List<FakeFenceDevice> fenceDevices = new ArrayList<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, AdminState> savedAdmin = new HashMap<>();
    private final Set<Set<String>> cuts = new HashSet<>();
    private final Deque<Runnable> network = new ArrayDeque<>();
    private final List<Envelope> held = new ArrayList<>();
    private final List<Instant> viewChangesDue = new ArrayList<>();
    private final List<String> selfFenced = new ArrayList<>();
    private Predicate<Envelope> drop = envelope -> false;
    private Predicate<Envelope> hold = envelope -> false;
    private Duration failureDetection;
    private long viewCounter;
    private long boots;
    private boolean checkInvariant = true;

    private final class Node {
        final String name;
        final ClusterDefinition definition;
        final QueuedExecutorService workers;
        final QueuedExecutorService completions = new QueuedExecutorService(task -> false);
        final List<ClusterEvent> events = new ArrayList<>();
        final Map<String, String> attributes = new HashMap<>();
        ClusterNodeRuntime runtime;
        ClusterTransport.Listener listener;
        MembershipView view;
        boolean alive = true;
        /** How often the runtime asked to leave and join again. */
        int rejoins;
        /** Boot order: JGroups lists members oldest first, and the oldest coordinates. */
        final long bootSequence = ++boots;

        Node(String name, ClusterDefinition definition) {
            this.name = name;
            this.definition = definition;
            this.workers = new QueuedExecutorService(task -> agents.parks(name, task));
        }
    }

    public InMemoryCluster(ClusterDefinition definition) {
        this.definition = definition;
        this.failureDetection = definition.timing().deadtime();
        this.agents = new FakeAgents(definition.resources().primitives().stream().map(PrimitiveDefinition::type)
                .collect(Collectors.toSet()));
    }

    /** Adds a fence device for {@code targets}; call before {@link #start()}. */
    public FakeFenceDevice addFenceDevice(String name, Set<String> targets) {
        FakeFenceDevice device = new FakeFenceDevice(name, targets, this::powerOff);
        fenceDevices.add(device);
        return device;
    }

    /** How long after a partition or heal the views change (JGroups' FD_ALL3/MERGE3); default deadtime. */
    public void failureDetection(Duration delay) {
        this.failureDetection = delay;
    }

    public void checkInvariant(boolean enabled) {
        this.checkInvariant = enabled;
    }

    public void start() {
        for (ClusterNodeDefinition node : definition.nodes()) {
            boot(node.name(), definition);
        }
        recomputeViews();
        runQueued();
    }

    public ManualClock clock() {
        return clock;
    }

    public FakeAgents agents() {
        return agents;
    }

    public Instant now() {
        return clock.instant();
    }

    public ClusterNodeRuntime runtime(String node) {
        return nodes.get(node).runtime;
    }

    public ClusterStatus status(String node) {
        return nodes.get(node).runtime.status();
    }

    public List<ClusterEvent> events(String node) {
        return List.copyOf(nodes.get(node).events);
    }

    public boolean alive(String node) {
        return nodes.get(node).alive;
    }

    public List<String> selfFenced() {
        return List.copyOf(selfFenced);
    }

    /** Sets a node attribute (every storage node starts with {@code replicated-disk:<r>} = UpToDate). */
    public void setAttribute(String node, String key, String value) {
        nodes.get(node).attributes.put(key, value);
    }

    /** A started cluster of {@code builder}, settled for 3 s, with the agents' log cleared. */
    public static InMemoryCluster started(TestClusters.Builder builder) {
        InMemoryCluster cluster = new InMemoryCluster(builder.build());
        cluster.start();
        cluster.advance(Duration.ofSeconds(3));
        cluster.agents().clearLog();
        return cluster;
    }

    /** Every member of {@link TestClusters#GROUP} is started on {@code node}. */
    public boolean groupOn(String node) {
        return agents.startedOn(node).containsAll(TestClusters.GROUP);
    }

    /** How often {@code node}'s runtime asked its transport to rejoin. */
    public int rejoins(String node) {
        return nodes.get(node).rejoins;
    }

    public Optional<MembershipView> view(String node) {
        return Optional.ofNullable(nodes.get(node).view);
    }

    /** The node's process (and machine) is gone at once: every other node sees it leave (FD_SOCK). */
    public void crash(String node) {
        powerOff(node);
    }

    /** Boots the node again, with the cluster's configuration or another one. */
    public void restart(String node) {
        restart(node, definition);
    }

    public void restart(String node, ClusterDefinition nodeDefinition) {
        boot(node, nodeDefinition);
        network.add(this::recomputeViews);
        runQueued();
    }

    public void partition(String a, String b) {
        cuts.add(Set.of(a, b));
        viewChangesDue.add(clock.instant().plus(failureDetection));
    }

    public void isolate(String node) {
        for (String other : nodes.keySet()) {
            if (!other.equals(node)) {
                cuts.add(Set.of(node, other));
            }
        }
        viewChangesDue.add(clock.instant().plus(failureDetection));
    }

    public void heal() {
        cuts.clear();
        viewChangesDue.add(clock.instant().plus(failureDetection));
    }

    public void dropMessages(Predicate<Envelope> predicate) {
        this.drop = predicate;
    }

    public void holdMessages(Predicate<Envelope> predicate) {
        this.hold = predicate;
    }

    public int releaseHeld() {
        List<Envelope> release = List.copyOf(held);
        held.clear();
        release.forEach(envelope -> network.add(() -> deliver(envelope)));
        runQueued();
        return release.size();
    }

    /** Delivers raw bytes to one node as if {@code from} sent them. */
    public void inject(String from, String to, byte[] payload) {
        network.add(() -> deliver(new Envelope(from, to, null, payload)));
        runQueued();
    }

    /** Moves the clock in keepalive/4 steps, ticking every live node and running all queued work at each step. */
    public void advance(Duration duration) {
        Duration step = definition.timing().keepalive().dividedBy(4);
        Duration left = duration;
        while (!left.isZero() && !left.isNegative()) {
            Duration now = left.compareTo(step) < 0 ? left : step;
            clock.advance(now);
            left = left.minus(now);
            Instant at = clock.instant();
            if (viewChangesDue.removeIf(due -> !at.isBefore(due))) {
                recomputeViews();
            }
            for (Node node : List.copyOf(nodes.values())) {
                if (node.alive) {
                    node.runtime.tick();
                }
            }
            runQueued();
            if (checkInvariant) {
                assertNeverActiveTwice();
            }
        }
    }

    /** Advances step by step until the condition holds; fails after {@code limit}. */
    public Duration advanceUntil(Duration limit, java.util.function.BooleanSupplier condition) {
        Instant start = clock.instant();
        Duration step = definition.timing().keepalive().dividedBy(4);
        while (!condition.getAsBoolean()) {
            if (Duration.between(start, clock.instant()).compareTo(limit) >= 0) {
                throw new AssertionError("condition not reached within " + limit + " (at " + clock.instant() + ")");
            }
            advance(step);
        }
        return Duration.between(start, clock.instant());
    }

    /** Throws when a resource is possibly active on two nodes. */
    public void assertNeverActiveTwice() {
        for (PrimitiveDefinition primitive : definition.resources().primitives()) {
            List<String> on = nodes.keySet().stream().filter(node -> agents.isStarted(node, primitive.id())).toList();
            if (on.size() > 1) {
                throw new AssertionError("at " + clock.instant() + " " + primitive.id() + " is active on " + on);
            }
        }
    }

    /** Runs every queued task of every node and the network until nothing is left. */
    public void runQueued() {
        int rounds = 0;
        boolean progress = true;
        while (progress) {
            if (++rounds > 100_000) {
                throw new AssertionError("the cluster does not settle: more than 100000 rounds of work");
            }
            progress = false;
            for (Node node : List.copyOf(nodes.values())) {
                if (node.alive) {
                    progress |= node.workers.runAvailable();
                }
                if (node.alive) {
                    progress |= node.completions.runAvailable();
                }
            }
            Runnable next = network.poll();
            if (next != null) {
                next.run();
                progress = true;
            }
        }
    }

    private void boot(String name, ClusterDefinition nodeDefinition) {
        Node node = new Node(name, nodeDefinition);
        Node previous = nodes.get(name);
        if (previous != null) {
            node.attributes.putAll(previous.attributes);
        } else {
            nodeDefinition.resources().primitives().stream().filter(p -> p.type().equals("replicated-disk"))
                    .forEach(p -> node.attributes.put("replicated-disk:" + p.params().get("resource"), "UpToDate"));
        }
        nodes.put(name, node);
        LocalResourceManager lrm = new LocalResourceManager(new AgentRegistry(List.of(agents.factoryFor(name))),
                nodeDefinition.resources(), node.workers, node.completions, clock);
        List<FenceDevice> devices = List.copyOf(fenceDevices);
        DeviceFencing fencing = new DeviceFencing(devices, nodeDefinition.fencing().action(), node.workers,
                node.completions);
        AdminStateStore store = new AdminStateStore() {
            @Override
            public AdminState load() {
                return savedAdmin.getOrDefault(name, AdminState.initial());
            }

            @Override
            public void save(AdminState state) {
                savedAdmin.put(name, state);
            }
        };
        Transport transport = new Transport(node);
        node.runtime = new ClusterNodeRuntime(nodeDefinition, name, clock, transport, lrm, fencing, store,
                () -> Map.copyOf(node.attributes), node.events::add, reason -> {
                    selfFenced.add(name + " at " + clock.instant() + ": " + reason);
                    powerOff(name);
                });
        node.listener = new ClusterTransport.Listener() {
            @Override
            public void onView(MembershipView view) {
                node.runtime.onView(view);
            }

            @Override
            public void onMessage(String fromNode, byte[] payload) {
                node.runtime.onMessage(fromNode, payload);
            }
        };
        node.runtime.start();
    }

    private void powerOff(String name) {
        Node node = nodes.get(name);
        if (node == null || !node.alive) {
            return;
        }
        node.alive = false;
        node.view = null;
        node.workers.clear();
        node.completions.clear();
        agents.machineDown(name);
        network.add(this::recomputeViews);
    }

    private boolean connected(String a, String b) {
        return a.equals(b) || !cuts.contains(Set.of(a, b));
    }

    private void recomputeViews() {
        List<String> live = nodes.values().stream().filter(n -> n.alive).map(n -> n.name).toList();
        Set<String> assigned = new HashSet<>();
        for (String start : live) {
            if (assigned.contains(start)) {
                continue;
            }
            Set<String> component = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(start));
            while (!todo.isEmpty()) {
                String current = todo.poll();
                if (component.add(current)) {
                    live.stream().filter(other -> !component.contains(other) && connected(current, other))
                            .forEach(todo::add);
                }
            }
            assigned.addAll(component);
            List<String> members = live.stream().filter(component::contains)
                    .sorted(java.util.Comparator.comparingLong(member -> nodes.get(member).bootSequence)).toList();
            boolean changed = members.stream().anyMatch(m -> {
                MembershipView current = nodes.get(m).view;
                return current == null || !current.members().equals(members);
            });
            if (changed) {
                MembershipView view = new MembershipView(++viewCounter, members);
                for (String member : members) {
                    Node node = nodes.get(member);
                    node.view = view;
                    node.listener.onView(view);
                }
            }
        }
    }

    private void deliver(Envelope envelope) {
        Node target = nodes.get(envelope.to());
        Node sender = nodes.get(envelope.from());
        if (target == null || !target.alive || sender == null || !connected(envelope.from(), envelope.to())) {
            return;
        }
        target.listener.onMessage(envelope.from(), envelope.payload());
    }

    private final class Transport implements ClusterTransport {
        private final Node node;

        Transport(Node node) {
            this.node = node;
        }

        @Override
        public String localNode() {
            return node.name;
        }

        @Override
        public void start(Listener listener) {
            node.listener = listener;
        }

        @Override
        public void broadcast(byte[] payload) {
            for (String other : nodes.keySet()) {
                send(other, payload);
            }
        }

        @Override
        public void send(String to, byte[] payload) {
            if (!node.alive || nodes.get(node.name) != node) {
                return;
            }
            ClusterMessage message = ClusterMessageCodec.decode(node.name, payload).orElse(null);
            Envelope envelope = new Envelope(node.name, to, message, payload);
            if (drop.test(envelope)) {
                return;
            }
            if (hold.test(envelope)) {
                held.add(envelope);
                return;
            }
            network.add(() -> deliver(envelope));
        }

        /** Counts the request; the kit's views agree with themselves, so the node keeps its view. */
        @Override
        public void rejoin() {
            node.rejoins++;
        }

        @Override
        public void close() {
            node.alive = false;
        }
    }
}
