package io.appliance.config.replication;

/**
 * When a write is acknowledged to the initiator, with DRBD's letters (drbd.conf {@code protocol}).
 *
 * <ul>
 *   <li>{@link #A}: asynchronous; the write is complete when it is on the local disk and in the local
 *       TCP send buffer. A primary crash can lose the last writes.
 *   <li>{@link #B}: memory synchronous; complete when on the local disk and received by the peer.
 *   <li>{@link #C}: synchronous; complete when on both disks. The default.
 * </ul>
 */
public enum ReplicationProtocol {
    A,
    B,
    C;

    /** The letter as written in DRBD configuration files. */
    public String drbdName() {
        return name();
    }

    /**
     * @throws IllegalArgumentException if {@code drbdName} is not A, B or C (case-insensitive)
     */
    public static ReplicationProtocol fromDrbdName(String drbdName) {
        return DrbdNames.lookup(values(), ReplicationProtocol::drbdName, drbdName, "protocol");
    }
}
