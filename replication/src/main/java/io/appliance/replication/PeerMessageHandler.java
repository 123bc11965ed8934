package io.appliance.replication;

/**
 * Receives the peer's application messages of one channel ({@link ReplicatedResource#onPeerMessage}).
 *
 * <p>Contract: called off the Netty event loops, one message at a time per resource, in arrival order; it may
 * block (disk I/O, fsync). Returning normally tells the sender its message is taken (its future completes
 * normally); throwing fails the sender's future with the exception's message.
 */
@FunctionalInterface
public interface PeerMessageHandler {

    /** @param payload the message bytes (a copy owned by the handler; at most 1 MiB, possibly empty) */
    void accept(byte[] payload) throws Exception;
}
