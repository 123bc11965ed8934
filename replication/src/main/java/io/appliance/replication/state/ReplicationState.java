package io.appliance.replication.state;

/** What a connected node does with its peer (DRBD 9's replication states; Off while not connected). */
public enum ReplicationState {
    /** Not connected. */
    OFF("Off"),
    /** Connected, nothing to resync: writes are mirrored. */
    ESTABLISHED("Established"),
    /** Sending the blocks its peer misses. */
    SYNC_SOURCE("SyncSource"),
    /** Receiving the blocks it misses; its disk is Inconsistent until the end. */
    SYNC_TARGET("SyncTarget"),
    /** A SyncSource whose resync is paused. */
    PAUSED_SYNC_S("PausedSyncS"),
    /** A SyncTarget whose resync is paused. */
    PAUSED_SYNC_T("PausedSyncT"),
    /** Running online verify: sends digests. */
    VERIFY_S("VerifyS"),
    /** Answering online verify. */
    VERIFY_T("VerifyT");

    private final String drbdName;

    ReplicationState(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The word DRBD prints for this state in {@code drbdadm status} and {@code drbdsetup events2}. */
    public String drbdName() {
        return drbdName;
    }

    /**
     * @throws IllegalArgumentException listing the valid names when {@code drbdName} is none of them
     */
    public static ReplicationState fromDrbdName(String drbdName) {
        return DrbdWords.lookup(values(), ReplicationState::drbdName, drbdName, "ReplicationState");
    }
}
