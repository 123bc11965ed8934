package io.appliance.cluster.jgroups;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One heartbeat ring as this node sees it, for operators (what {@code corosync-cfgtool -s} shows).
 *
 * @param ring         0 or 1
 * @param localAddress this node's address on the ring
 * @param peers        the other nodes on this ring, in configuration order
 */
public record RingStatus(int ring, String localAddress, List<Peer> peers) {

    public RingStatus {
        Objects.requireNonNull(localAddress, "localAddress");
        peers = List.copyOf(peers);
    }

    /**
     * @param node      the peer's name
     * @param heard     heard on this ring within deadtime
     * @param silentFor how long since it was last heard on this ring (zero when heard just now)
     */
    public record Peer(String node, boolean heard, Duration silentFor) {
        public Peer {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(silentFor, "silentFor");
        }
    }

    /** No fault: every peer heard within deadtime. */
    public boolean faultFree() {
        return peers.stream().allMatch(Peer::heard);
    }
}
