package io.appliance.cluster.jgroups;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.PhysicalAddress;
import org.jgroups.View;
import org.jgroups.stack.IpAddress;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ByteArray;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.NameCache;
import org.jgroups.util.Util;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second heartbeat ring (Heartbeat's second medium, {@code ucast eth1}; corosync's redundant ring) under one
 * JGroups channel. It sits directly above the transport: every message going down to the transport on ring0 is also
 * sent as one UDP datagram from this node's ring1 address to the ring1 address of its destination (of every other
 * node for a multicast), and a datagram received on ring1 goes up as if the transport had received it.
 *
 * <p>The layers above already tolerate what this adds, which is why it is safe: NAKACK2 and UNICAST3 drop
 * duplicates and restore order, and retransmit over both rings; FD_ALL3 counts a heartbeat from either ring, so a
 * node is suspected only when both rings are silent; VERIFY_SUSPECT2's "are you dead?" also travels both rings,
 * so FD_SOCK2's socket on a cut ring0 cannot remove a node that still answers on ring1. One membership, one
 * coordinator, one view id: a ring failure changes nothing above this layer except a WARN and an event.
 *
 * <p>A datagram carries a 4-byte magic, a version byte and the first 8 bytes of SHA-256 of the cluster name, then
 * the JGroups message; anything else is dropped (counted, logged at debug). Messages above it are authenticated by
 * the encryption layer as on ring0. A message too large for one datagram (FRAG4 keeps them under 60 000 bytes)
 * goes over ring0 only. Received datagrams are delivered up by a small pool, so a delivery that blocks (flow
 * control) does not stop the ring.
 */
final class SecondRing extends Protocol {

    private static final Logger LOG = LoggerFactory.getLogger(SecondRing.class);
    private static final int MAGIC = 0x52_49_4E_47; // "RING"
    private static final byte VERSION = 1;
    private static final int CLUSTER_ID_BYTES = 8;
    private static final int HEADER_BYTES = 4 + 1 + CLUSTER_ID_BYTES;
    static final int MAX_DATAGRAM = 65_507;
    private static final int DELIVERY_THREADS = 2;
    private static final int DELIVERY_QUEUE = 10_000;
    private static final int RECEIVE_TIMEOUT_MILLIS = 200;

    /** A node of the cluster as this ring sees it: its name and both heartbeat addresses. */
    record Peer(String name, InetSocketAddress ring0, InetSocketAddress ring1) {
    }

    /** Each ring's state towards one peer, for logs and events: heard within deadtime or silent. */
    interface RingListener {
        void ringChanged(int ring, String peer, boolean up, Duration silentFor);
    }

    private final String clusterName;
    private final String localNode;
    private final InetSocketAddress localRing1;
    private final List<Peer> peers;
    private final Set<String> peerNames;
    /** Since when each peer has been a member of the view (the views pass down through this layer). */
    private final Map<String, Instant> memberSince = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Peer> peersByRing0Address;
    private final Clock clock;
    private final Duration deadtime;
    private final RingListener ringListener;
    private final byte[] clusterId;
    private final Map<String, Instant>[] lastHeard;
    private final Map<String, Boolean>[] silent;
    private volatile DatagramSocket socket;
    private volatile Thread receiver;
    private volatile ThreadPoolExecutor delivery;
    private volatile boolean running;
    private volatile long droppedDatagrams;

    @SuppressWarnings("unchecked")
    SecondRing(String clusterName, String localNode, InetSocketAddress localRing1, List<Peer> peers, Clock clock,
            Duration deadtime, RingListener ringListener) {
        this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.localRing1 = Objects.requireNonNull(localRing1, "localRing1");
        this.peers = List.copyOf(peers);
        this.peerNames = Set.copyOf(this.peers.stream().map(Peer::name).toList());
        this.peersByRing0Address = new ConcurrentHashMap<>();
        for (Peer peer : this.peers) {
            peersByRing0Address.put(peer.ring0(), peer);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deadtime = Objects.requireNonNull(deadtime, "deadtime");
        this.ringListener = Objects.requireNonNull(ringListener, "ringListener");
        this.clusterId = clusterId(clusterName);
        this.lastHeard = new Map[] {new ConcurrentHashMap<String, Instant>(), new ConcurrentHashMap<String, Instant>()};
        this.silent = new Map[] {new ConcurrentHashMap<String, Boolean>(), new ConcurrentHashMap<String, Boolean>()};
    }

    @Override
    public void start() throws Exception {
        super.start();
        DatagramSocket bound;
        try {
            bound = new DatagramSocket(localRing1);
        } catch (SocketException e) {
            throw new IOException("cannot bind the ring1 heartbeat socket to " + localRing1 + ": " + e.getMessage(), e);
        }
        socket = bound;
        bound.setSoTimeout(RECEIVE_TIMEOUT_MILLIS);
        delivery = new ThreadPoolExecutor(DELIVERY_THREADS, DELIVERY_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(DELIVERY_QUEUE), runnable -> {
                    Thread thread = new Thread(runnable, "cluster-ring1-up-" + localNode);
                    thread.setDaemon(true);
                    return thread;
                });
        running = true;
        Thread thread = new Thread(this::receiveLoop, "cluster-ring1-" + localNode);
        thread.setDaemon(true);
        receiver = thread;
        thread.start();
        LOG.info("cluster {}: ring1 heartbeat on {}", clusterName, localRing1);
    }

    @Override
    public void stop() {
        running = false;
        DatagramSocket open = socket;
        if (open != null) {
            open.close();
        }
        Thread thread = receiver;
        if (thread != null) {
            try {
                thread.join(RECEIVE_TIMEOUT_MILLIS * 5L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ThreadPoolExecutor pool = delivery;
        if (pool != null) {
            pool.shutdownNow();
        }
        super.stop();
    }

    @Override
    public Object down(Message message) {
        if (running) {
            copyToRing1(message);
        }
        return down_prot.down(message);
    }

    /** Notes the members of each view GMS installs (VIEW_CHANGE passes down through the stack). */
    @Override
    public Object down(Event event) {
        if (event.type() == Event.VIEW_CHANGE) {
            View view = event.arg();
            Instant now = clock.instant();
            Set<String> members = new HashSet<>();
            for (Address member : view.getMembers()) {
                String name = NameCache.get(member);
                if (name != null && peerNames.contains(name)) {
                    members.add(name);
                }
            }
            memberSince.keySet().retainAll(members);
            members.forEach(name -> memberSince.putIfAbsent(name, now));
        }
        return down_prot.down(event);
    }

    @Override
    public Object up(Message message) {
        heard(0, message.src());
        return up_prot.up(message);
    }

    @Override
    public void up(MessageBatch batch) {
        heard(0, batch.sender());
        up_prot.up(batch);
    }

    /** Datagrams dropped because they were not ours (other cluster, garbage) or did not decode. */
    long droppedDatagrams() {
        return droppedDatagrams;
    }

    /**
     * Each member peer on {@code ring} (0 or 1): heard within deadtime, and since when silent. A member silent on both
     * rings is leaving the view, not a fault of this ring, and counts as heard; peers outside the view are left out.
     */
    List<RingStatus.Peer> peerStates(int ring) {
        return bothRings().stream().filter(Objects::nonNull).map(states -> states[0].heard() || states[1].heard()
                ? states[ring]
                : new RingStatus.Peer(states[ring].node(), true, states[ring].silentFor())).toList();
    }

    /**
     * Per peer, in configuration order, its raw state on ring 0 and ring 1, for the members of the view; a peer that
     * is not a member is absent (null). A ring counts at most from when the peer became a member: a joining node is
     * heard on ring1 before ring0's TCP connection carries anything, and that is not a fault.
     */
    private List<RingStatus.Peer[]> bothRings() {
        Instant now = clock.instant();
        return peers.stream().map(peer -> {
            Instant since = memberSince.get(peer.name());
            RingStatus.Peer[] states = new RingStatus.Peer[2];
            for (int ring = 0; ring < 2; ring++) {
                Instant heard = lastHeard[ring].get(peer.name());
                Instant last = since == null ? heard : heard == null || heard.isBefore(since) ? since : heard;
                Duration silentFor = last == null || last.isAfter(now) ? Duration.ZERO : Duration.between(last, now);
                states[ring] = new RingStatus.Peer(peer.name(), last != null && silentFor.compareTo(deadtime) <= 0,
                        silentFor);
            }
            return since == null ? null : states;
        }).toList();
    }

    /**
     * Call every keepalive: reports a ring that fails towards a peer (silent for deadtime while the other ring still
     * hears it), or carries traffic again. A peer silent on both rings, or never heard yet, is absent, not a ring
     * fault: the view says so.
     */
    void checkRings() {
        for (RingStatus.Peer[] states : bothRings()) {
            if (states == null) {
                continue;
            }
            boolean present = states[0].heard() || states[1].heard();
            for (int ring = 0; ring < 2; ring++) {
                RingStatus.Peer state = states[ring];
                boolean faulty = present && !state.heard();
                Boolean was = silent[ring].put(state.node(), faulty);
                if (was != null ? was != faulty : faulty) {
                    ringListener.ringChanged(ring, state.node(), !faulty, state.silentFor());
                }
            }
        }
    }

    private void copyToRing1(Message message) {
        Address destination = message.dest();
        List<Peer> targets;
        if (destination == null) {
            targets = peers;
        } else {
            Optional<Peer> peer = peerOf(destination);
            if (peer.isEmpty()) {
                return;
            }
            targets = List.of(peer.get());
        }
        byte[] datagram;
        try {
            Message outgoing = message;
            Address self = local_addr != null ? local_addr : getTransport().addr();
            if (outgoing.src() == null && self != null) {
                // the transport fills the source in; the copy needs it now (the receiver has no transport to ask)
                outgoing = message.copy(true, true).setSrc(self);
            }
            ByteArray encoded = Util.messageToBuffer(outgoing);
            if (HEADER_BYTES + encoded.getLength() > MAX_DATAGRAM) {
                return;
            }
            ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + encoded.getLength());
            buffer.putInt(MAGIC).put(VERSION).put(clusterId).put(encoded.getArray(), encoded.getOffset(), encoded.getLength());
            datagram = buffer.array();
        } catch (Exception e) {
            LOG.debug("cluster {}: message not copied to ring1: {}", clusterName, e.toString());
            return;
        }
        DatagramSocket open = socket;
        if (open == null) {
            return;
        }
        for (Peer target : targets) {
            try {
                open.send(new DatagramPacket(datagram, datagram.length, target.ring1()));
            } catch (IOException e) {
                // a cut ring1 is the case this ring exists for on the other side: ring0 still carries the message
                LOG.debug("cluster {}: ring1 send to {} failed: {}", clusterName, target.name(), e.toString());
            }
        }
    }

    private Optional<Peer> peerOf(Address destination) {
        if (destination instanceof PhysicalAddress) {
            if (destination instanceof IpAddress ip) {
                return Optional.ofNullable(peersByRing0Address.get(new InetSocketAddress(ip.getIpAddress(), ip.getPort())));
            }
            return Optional.empty();
        }
        String name = NameCache.get(destination);
        if (name == null) {
            return Optional.empty();
        }
        return peers.stream().filter(peer -> peer.name().equals(name)).findFirst();
    }

    private void receiveLoop() {
        byte[] buffer = new byte[MAX_DATAGRAM];
        while (running) {
            DatagramSocket open = socket;
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                open.receive(packet);
            } catch (java.net.SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                if (running) {
                    LOG.warn("cluster {}: ring1 receive failed: {}", clusterName, e.toString());
                }
                continue;
            }
            Message message = decode(packet);
            if (message == null) {
                droppedDatagrams++;
                continue;
            }
            heard(1, message.src());
            try {
                delivery.execute(() -> {
                    try {
                        up_prot.up(message);
                    } catch (RuntimeException e) {
                        LOG.warn("cluster {}: ring1 message from {} failed above: {}", clusterName,
                                NameCache.get(message.src()), e.toString());
                    }
                });
            } catch (RejectedExecutionException e) {
                // the queue is full (or stopping): the reliable layers above retransmit what matters
                droppedDatagrams++;
            }
        }
    }

    private Message decode(DatagramPacket packet) {
        byte[] data = packet.getData();
        int offset = packet.getOffset();
        int length = packet.getLength();
        if (length <= HEADER_BYTES) {
            return null;
        }
        ByteBuffer header = ByteBuffer.wrap(data, offset, HEADER_BYTES);
        if (header.getInt() != MAGIC || header.get() != VERSION) {
            return null;
        }
        byte[] id = new byte[CLUSTER_ID_BYTES];
        header.get(id);
        if (!Arrays.equals(id, clusterId)) {
            return null;
        }
        try {
            Message message = Util.messageFromBuffer(Arrays.copyOfRange(data, offset + HEADER_BYTES, offset + length),
                    0, length - HEADER_BYTES);
            return message.src() == null ? null : message;
        } catch (Exception | LinkageError e) {
            LOG.debug("cluster {}: undecodable ring1 datagram from {}: {}", clusterName, packet.getSocketAddress(),
                    e.toString());
            return null;
        }
    }

    private void heard(int ring, Address source) {
        if (source == null) {
            return;
        }
        String name = NameCache.get(source);
        if (name != null && peerNames.contains(name)) {
            lastHeard[ring].put(name, clock.instant());
        }
    }

    private static byte[] clusterId(String clusterName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(clusterName.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, CLUSTER_ID_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
