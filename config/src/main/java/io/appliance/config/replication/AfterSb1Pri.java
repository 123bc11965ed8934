package io.appliance.config.replication;

/** Split-brain recovery when one node is primary ({@code after-sb-1pri}, drbd.conf). Default {@link #DISCONNECT}. */
public enum AfterSb1Pri {
    /** No automatic resolution: disconnect. */
    DISCONNECT("disconnect"),
    /** Discard the secondary if the after-sb-0pri policy would also discard it; otherwise disconnect. */
    CONSENSUS("consensus"),
    /** Apply the after-sb-0pri decision even if it discards the primary's data. */
    VIOLENTLY_AS0P("violently-as0p"),
    /** Discard the changes of the secondary. */
    DISCARD_SECONDARY("discard-secondary"),
    /** Apply the after-sb-0pri decision; a primary that loses is demoted by the cluster manager. */
    CALL_PRI_LOST_AFTER_SB("call-pri-lost-after-sb");

    private final String drbdName;

    AfterSb1Pri(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The value as written in DRBD configuration files. */
    public String drbdName() {
        return drbdName;
    }

    /**
     * @throws IllegalArgumentException listing the valid names if {@code drbdName} is none of them
     */
    public static AfterSb1Pri fromDrbdName(String drbdName) {
        return DrbdNames.lookup(values(), AfterSb1Pri::drbdName, drbdName, "after-sb-1pri");
    }
}
