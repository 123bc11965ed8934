package io.appliance.replication.sync;

import io.appliance.replication.wire.Packet;

/**
 * The link to the peer as the sync package sees it; the engine implements it over its channel.
 *
 * <p>Contract: packets leave in call order (FIFO, also across threads for calls that are ordered
 * by happens-before); {@link #send} is thread-safe and never blocks. The sender takes ownership
 * of reference-counted payloads (ResyncData's ByteBuf): it releases them after writing them or
 * when it drops them. After the link dropped, sends are silently dropped (and released).
 */
@FunctionalInterface
public interface PeerSender {
    void send(Packet packet);
}
