package io.appliance.cluster.jgroups;

import io.appliance.cluster.runtime.ClusterTransport;
import io.appliance.cluster.runtime.MembershipView;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterTransportKind;
import io.appliance.config.cluster.HeartbeatTiming;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.TCP_NIO2;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.TP;
import org.jgroups.protocols.UDP;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster transport on a JGroups channel built in code (no XML), one channel per cluster.
 *
 * <p>Stack, bottom up: TCP_NIO2 (or UDP without IP multicast) bound to the local node's ring0 address; when this
 * node has a ring1 address, {@link SecondRing} (every message also goes as a UDP datagram over ring1 to the nodes
 * that have one, so a node is lost only when both rings are silent); TCPPING with every configured node's ring0
 * address; FD_SOCK2 (a killed process is seen when its socket closes); FD_ALL3
 * ({@code timeout = deadtime}, {@code interval = keepalive}; initdead during the first initdead after start, see
 * {@link InitdeadFailureDetection}) for hung or cut-off nodes; VERIFY_SUSPECT2; AES/GCM
 * encryption with a key derived from the shared secret ({@link GcmSymEncrypt}); SERIALIZE, so that headers are
 * encrypted and authenticated too; MERGE3 (above the encryption, so a node with another key never triggers a
 * merge attempt); NAKACK2, UNICAST3, STABLE, GMS (JGroups' own view order: the oldest member coordinates), UFC,
 * MFC, FRAG4. TCP_NIO2, not the blocking TCP: with TCP, the bundler thread connects to a member synchronously,
 * so a member cut off the network stalls every message to everyone for each connect attempt; NIO connects
 * without blocking the sender.
 *
 * <p>A node holding another secret can discover the others but can neither join (its join request does not
 * decrypt) nor inject messages (they fail authentication and are dropped): it stays alone in a view of one.
 *
 * <p>Messages leave through one sender thread with a bounded queue, so {@link #send} and {@link #broadcast}
 * never block the caller; a full queue drops the message with a warning (the runtime repeats its state every
 * keepalive). Order holds per sender and per kind: broadcasts in broadcast order (NAKACK2), sends to one node in
 * send order (UNICAST3); a broadcast and a send are not ordered against each other.
 */
public final class JGroupsTransport implements ClusterTransport {

    private static final Logger LOG = LoggerFactory.getLogger(JGroupsTransport.class);
    private static final int KEY_BYTES = 16;
    private static final String KEY_INFO_PREFIX = "appliance-cluster:";
    private static final int SEND_QUEUE_CAPACITY = 10_000;
    private static final Duration MAX_VERIFY_SUSPECT = Duration.ofMillis(500);
    private static final Duration MERGE_MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MERGE_MAX_INTERVAL = Duration.ofSeconds(3);
    /**
     * JGroups' default: a coordinator busy starting its own JVM can take more than a second to answer, and a joiner
     * that gives up too early starts alone while the coordinator has already put it in its view.
     */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(2);
    /** A node whose join requests go unanswered (e.g. it holds another key) starts alone after this many. */
    private static final int MAX_JOIN_ATTEMPTS = 5;
    private static final Duration SEND_DRAIN_TIMEOUT = Duration.ofSeconds(1);

    private final ClusterDefinition definition;
    private final String localNode;
    private final Clock clock;
    private final Map<String, Integer> rankByName;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile JChannel channel;
    private volatile Map<String, Address> membersByName = Map.of();
    private volatile ThreadPoolExecutor sender;
    private volatile SecondRing secondRing;
    private volatile RingStateListener ringStateListener;
    private volatile ScheduledExecutorService ringChecker;

    /**
     * @param definition the cluster; the local node must be configured and have a ring0 address
     * @param localNode this node's name (its JGroups logical name)
     */
    public JGroupsTransport(ClusterDefinition definition, String localNode) {
        this(definition, localNode, Clock.systemUTC());
    }

    /**
     * @param clock for the ring1 link state (how long a ring has been silent towards a peer)
     */
    public JGroupsTransport(ClusterDefinition definition, String localNode, Clock clock) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.clock = Objects.requireNonNull(clock, "clock");
        ClusterNodeDefinition self = definition.node(localNode).orElseThrow(() -> new IllegalArgumentException(
                "node '" + localNode + "' is not configured in cluster '" + definition.name() + "'"));
        if (self.ring0().isEmpty()) {
            throw new IllegalArgumentException("node '" + localNode + "' has no heartbeat address (cluster.nodes["
                    + definition.nodes().indexOf(self) + "].addresses)");
        }
        Map<String, Integer> ranks = new HashMap<>();
        for (int i = 0; i < definition.nodes().size(); i++) {
            ranks.put(definition.nodes().get(i).name(), i);
        }
        this.rankByName = Map.copyOf(ranks);
    }

    @Override
    public String localNode() {
        return localNode;
    }

    /**
     * Connects to the cluster: returns once this node is in a view (alone if no other node answered within the
     * join timeout).
     */
    @Override
    public void start(Listener listener) throws Exception {
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("transport closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("transport already started");
        }
        sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(SEND_QUEUE_CAPACITY), runnable -> {
                    Thread thread = new Thread(runnable, "cluster-send-" + localNode);
                    thread.setDaemon(true);
                    return thread;
                });
        JChannel created = new JChannel(buildStack());
        created.name(localNode);
        created.setDiscardOwnMessages(false);
        created.setReceiver(new ChannelReceiver(listener));
        channel = created;
        try {
            created.connect(definition.name());
        } catch (Exception e) {
            close();
            throw e;
        }
        LOG.info("cluster {}: node {} joined over {} at {}", definition.name(), localNode, definition.transport(),
                created.getAddress());
        startRingChecker();
    }

    @Override
    public void broadcast(byte[] payload) {
        byte[] copy = payload.clone();
        submit(() -> deliverDown(new BytesMessage(null, copy)), "broadcast");
    }

    @Override
    public void send(String node, byte[] payload) {
        Objects.requireNonNull(node, "node");
        byte[] copy = payload.clone();
        submit(() -> {
            Address target = membersByName.get(node);
            if (target == null) {
                LOG.debug("cluster {}: message to {} dropped, it is not in the view", definition.name(), node);
                return;
            }
            deliverDown(new BytesMessage(target, copy));
        }, "send to " + node);
    }

    /** Disconnects the channel and connects it again, on a thread of its own; a closed transport ignores it. */
    @Override
    public void rejoin() {
        if (closed.get() || channel == null) {
            return;
        }
        Thread thread = new Thread(() -> {
            JChannel open = channel;
            if (open == null || closed.get()) {
                return;
            }
            try {
                LOG.warn("cluster {}: node {} leaves and joins again for a fresh view", definition.name(), localNode);
                open.disconnect();
                if (!closed.get()) {
                    open.connect(definition.name());
                }
            } catch (Exception e) {
                LOG.error("cluster {}: node {} could not join again: {}", definition.name(), localNode, e.toString());
            }
        }, "cluster-rejoin-" + localNode);
        thread.setDaemon(true);
        thread.start();
    }

    /** Leaves the cluster (a graceful leave when connected); safe to call more than once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ThreadPoolExecutor pending = sender;
        if (pending != null) {
            pending.shutdown();
            try {
                if (!pending.awaitTermination(SEND_DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    pending.shutdownNow();
                }
            } catch (InterruptedException e) {
                pending.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        ScheduledExecutorService checker = ringChecker;
        if (checker != null) {
            checker.shutdownNow();
        }
        JChannel open = channel;
        if (open != null) {
            open.close();
        }
        membersByName = Map.of();
    }

    /**
     * The 128-bit AES key of a cluster: HKDF-SHA256 (RFC 5869) of the UTF-8 secret with an empty salt and info
     * {@code "appliance-cluster:" + cluster name}, so clusters sharing a secret still have different keys.
     */
    public static byte[] deriveKey(ClusterDefinition definition) {
        return hkdfSha256(definition.authKey().secret().getBytes(StandardCharsets.UTF_8),
                (KEY_INFO_PREFIX + definition.name()).getBytes(StandardCharsets.UTF_8), KEY_BYTES);
    }

    /** HKDF-SHA256 (RFC 5869) with an empty salt, for at most one hash length of output. */
    static byte[] hkdfSha256(byte[] inputKeyMaterial, byte[] info, int length) {
        try {
            // RFC 5869 §2.2: PRK = HMAC(salt, IKM); an absent salt is HashLen zero bytes.
            Mac extract = Mac.getInstance("HmacSHA256");
            extract.init(new SecretKeySpec(new byte[extract.getMacLength()], "HmacSHA256"));
            byte[] pseudoRandomKey = extract.doFinal(inputKeyMaterial);
            // RFC 5869 §2.3: T(1) = HMAC(PRK, info | 0x01) holds the first HashLen bytes of output.
            Mac expand = Mac.getInstance("HmacSHA256");
            expand.init(new SecretKeySpec(pseudoRandomKey, "HmacSHA256"));
            if (length < 1 || length > expand.getMacLength()) {
                throw new IllegalArgumentException("length " + length + " outside 1.." + expand.getMacLength());
            }
            expand.update(info);
            expand.update((byte) 1);
            byte[] block = expand.doFinal();
            byte[] key = new byte[length];
            System.arraycopy(block, 0, key, 0, length);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The channel, for tests that act as a foreign node. */
    JChannel channel() {
        return channel;
    }

    private void submit(Runnable task, String what) {
        ThreadPoolExecutor executor = sender;
        if (executor == null || closed.get()) {
            LOG.debug("cluster {}: {} dropped, transport not running", definition.name(), what);
            return;
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            if (!executor.isShutdown()) {
                LOG.warn("cluster {}: {} dropped, {} messages already queued", definition.name(), what,
                        SEND_QUEUE_CAPACITY);
            }
        }
    }

    private void deliverDown(Message message) {
        JChannel open = channel;
        if (open == null || closed.get()) {
            return;
        }
        try {
            open.send(message);
        } catch (Exception e) {
            LOG.debug("cluster {}: message to {} not sent: {}", definition.name(),
                    message.dest() == null ? "all" : message.dest(), e.toString());
        }
    }

    private List<Protocol> buildStack() throws UnknownHostException {
        HeartbeatTiming timing = definition.timing();
        InetSocketAddress self = ring0(definition.node(localNode).orElseThrow());
        List<InetSocketAddress> initialHosts = new ArrayList<>();
        for (ClusterNodeDefinition node : definition.nodes()) {
            if (node.ring0().isPresent()) {
                initialHosts.add(ring0(node));
            } else {
                LOG.warn("cluster {}: node {} has no heartbeat address; it cannot be discovered",
                        definition.name(), node.name());
            }
        }
        TP transport = definition.transport() == ClusterTransportKind.UDP
                ? new UDP().setMulticasting(false)
                : new TCP_NIO2().setSockConnTimeout((int) timing.keepalive().toMillis());
        transport.setBindAddress(self.getAddress());
        transport.setBindPort(self.getPort());
        transport.setPortRange(0);
        transport.disableDiagnostics();

        long keepalive = timing.keepalive().toMillis();
        List<Protocol> stack = new ArrayList<>();
        stack.add(transport);
        secondRing = buildSecondRing();
        if (secondRing != null) {
            stack.add(secondRing);
        }
        stack.add(new TCPPING().setInitialHosts(initialHosts).setPortRange(0));
        stack.add(new FD_SOCK2());
        stack.add(new InitdeadFailureDetection(timing.keepalive(), timing.deadtime(), timing.initdead(), clock));
        stack.add(new VERIFY_SUSPECT2().setTimeout(Math.min(keepalive, MAX_VERIFY_SUSPECT.toMillis())));
        stack.add(new GcmSymEncrypt(new SecretKeySpec(deriveKey(definition), "AES")));
        stack.add(new SERIALIZE());
        stack.add(new MERGE3().setMinInterval(MERGE_MIN_INTERVAL.toMillis())
                .setMaxInterval(MERGE_MAX_INTERVAL.toMillis()));
        stack.add(new NAKACK2());
        stack.add(new UNICAST3());
        stack.add(new STABLE());
        stack.add(new GMS().setJoinTimeout(JOIN_TIMEOUT.toMillis()).setMaxJoinAttempts(MAX_JOIN_ATTEMPTS)
                .printLocalAddress(false));
        stack.add(new UFC());
        stack.add(new MFC());
        stack.add(new FRAG4());
        return stack;
    }

    private InetSocketAddress ring0(ClusterNodeDefinition node) throws UnknownHostException {
        return socketAddress(node.ring0().orElseThrow());
    }

    private InetSocketAddress socketAddress(String address) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(ClusterNodeDefinition.hostOf(address)),
                ClusterNodeDefinition.portOf(address, definition.port()));
    }

    /** The ring1 layer when this node has a ring1 address; peers without one are left out (and named in a WARN). */
    private SecondRing buildSecondRing() throws UnknownHostException {
        ClusterNodeDefinition self = definition.node(localNode).orElseThrow();
        if (self.addresses().size() < 2) {
            return null;
        }
        List<SecondRing.Peer> peers = new ArrayList<>();
        for (ClusterNodeDefinition node : definition.nodes()) {
            if (node.name().equals(localNode) || node.ring0().isEmpty()) {
                continue;
            }
            if (node.addresses().size() < 2) {
                LOG.warn("cluster {}: node {} has no ring1 address; it is heard on ring0 only", definition.name(),
                        node.name());
                continue;
            }
            peers.add(new SecondRing.Peer(node.name(), ring0(node), socketAddress(node.addresses().get(1))));
        }
        return new SecondRing(definition.name(), localNode, socketAddress(self.addresses().get(1)), peers, clock,
                definition.timing().deadtime(), this::ringChanged);
    }

    private void startRingChecker() {
        SecondRing ring = secondRing;
        if (ring == null) {
            return;
        }
        ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cluster-rings-" + localNode);
            thread.setDaemon(true);
            return thread;
        });
        ringChecker = checker;
        long keepalive = definition.timing().keepalive().toMillis();
        checker.scheduleWithFixedDelay(ring::checkRings, keepalive, keepalive, TimeUnit.MILLISECONDS);
    }

    private void ringChanged(int ring, String peer, boolean up, Duration silentFor) {
        if (up) {
            LOG.info("cluster {}: ring{} to {} carries traffic again", definition.name(), ring, peer);
        } else {
            LOG.warn("cluster {}: ring{} to {} silent for {} ms; the other ring keeps {} in the cluster",
                    definition.name(), ring, peer, silentFor.toMillis(), peer);
        }
        RingStateListener listener = ringStateListener;
        if (listener != null) {
            listener.ringChanged(ring, peer, up);
        }
    }

    /** Told when a heartbeat ring goes silent towards a peer for deadtime, or carries traffic again. */
    public interface RingStateListener {
        void ringChanged(int ring, String peer, boolean up);
    }

    /** Sets who hears about ring1 link changes (none without a ring1 address); call before {@link #start}. */
    public void ringStateListener(RingStateListener listener) {
        this.ringStateListener = listener;
    }

    /**
     * The heartbeat rings as this node sees them: with a ring1 address, both rings and how recently each peer was
     * heard on each; without one, ring0 alone, where a peer counts as heard while it is in the current view.
     */
    public List<RingStatus> ringStatus() {
        ClusterNodeDefinition self = definition.node(localNode).orElseThrow();
        SecondRing ring = secondRing;
        if (ring != null) {
            return List.of(new RingStatus(0, self.addresses().get(0), ring.peerStates(0)),
                    new RingStatus(1, self.addresses().get(1), ring.peerStates(1)));
        }
        Map<String, Address> members = membersByName;
        List<RingStatus.Peer> peers = new ArrayList<>();
        for (ClusterNodeDefinition node : definition.nodes()) {
            if (!node.name().equals(localNode)) {
                peers.add(new RingStatus.Peer(node.name(), members.containsKey(node.name()), Duration.ZERO));
            }
        }
        return List.of(new RingStatus(0, self.ring0().orElse(""), peers));
    }

    /** The ring1 layer, for tests; null without a ring1 address. */
    SecondRing secondRing() {
        return secondRing;
    }

    private MembershipView toMembershipView(View view) {
        List<String> members = new ArrayList<>();
        Map<String, Address> byName = new HashMap<>();
        for (Address address : view.getMembers()) {
            String name = NameCache.get(address);
            if (name == null || !rankByName.containsKey(name)) {
                LOG.warn("cluster {}: view {} has member {} that is not a configured node; ignored",
                        definition.name(), view.getViewId(), name == null ? address : name);
                continue;
            }
            if (byName.putIfAbsent(name, address) != null) {
                LOG.warn("cluster {}: view {} has two members named {}; the first one counts",
                        definition.name(), view.getViewId(), name);
                continue;
            }
            members.add(name);
        }
        membersByName = Map.copyOf(byName);
        return new MembershipView(view.getViewId().getId(), members);
    }

    private final class ChannelReceiver implements Receiver {
        private final Listener listener;

        ChannelReceiver(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void viewAccepted(View view) {
            if (closed.get()) {
                return;
            }
            MembershipView membership = toMembershipView(view);
            if (!membership.members().contains(localNode)) {
                LOG.warn("cluster {}: view {} without this node ignored", definition.name(), view.getViewId());
                return;
            }
            LOG.info("cluster {}: view {} {}", definition.name(), membership.id(), membership.members());
            try {
                listener.onView(membership);
            } catch (RuntimeException e) {
                LOG.error("cluster {}: view listener failed", definition.name(), e);
            }
        }

        @Override
        public void receive(Message message) {
            if (closed.get()) {
                return;
            }
            String from = NameCache.get(message.src());
            if (from == null || !rankByName.containsKey(from)) {
                LOG.warn("cluster {}: message from {} that is not a configured node dropped", definition.name(),
                        from == null ? message.src() : from);
                return;
            }
            try {
                listener.onMessage(from, message.getArray() == null ? new byte[0] : copyPayload(message));
            } catch (RuntimeException e) {
                LOG.error("cluster {}: message listener failed on a message from {}", definition.name(), from, e);
            }
        }

        private byte[] copyPayload(Message message) {
            byte[] payload = new byte[message.getLength()];
            System.arraycopy(message.getArray(), message.getOffset(), payload, 0, message.getLength());
            return payload;
        }
    }
}
