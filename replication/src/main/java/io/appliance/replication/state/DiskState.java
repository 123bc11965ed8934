package io.appliance.replication.state;

/**
 * The state of a node's local data (DRBD's disk states, in DRBD's order: a later constant is better data, so
 * ordinals may be compared).
 */
public enum DiskState {
    /** No local backing device (never attached, detached, or detached after an I/O error). */
    DISKLESS("Diskless"),
    /** Reading the metadata. */
    ATTACHING("Attaching"),
    /** The local backing device failed; about to become Diskless. */
    FAILED("Failed"),
    /** Part of the data is missing (a SyncTarget, or never synced). */
    INCONSISTENT("Inconsistent"),
    /** Consistent but known to miss writes the peer has. */
    OUTDATED("Outdated"),
    /** The peer's disk while not connected. */
    DUNKNOWN("DUnknown"),
    /** Consistent; whether it is the newest copy is not known (not connected, peer not known outdated). */
    CONSISTENT("Consistent"),
    /** Consistent and the newest copy. */
    UP_TO_DATE("UpToDate");

    private final String drbdName;

    DiskState(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The word DRBD prints for this state in {@code drbdadm status} and {@code drbdsetup events2}. */
    public String drbdName() {
        return drbdName;
    }

    /**
     * @throws IllegalArgumentException listing the valid names when {@code drbdName} is none of them
     */
    public static DiskState fromDrbdName(String drbdName) {
        return DrbdWords.lookup(values(), DiskState::drbdName, drbdName, "DiskState");
    }
}
