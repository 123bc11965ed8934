package io.appliance.config.replication;

/** Split-brain recovery when both nodes are primary ({@code after-sb-2pri}, drbd.conf). Default {@link #DISCONNECT}. */
public enum AfterSb2Pri {
    /** No automatic resolution: disconnect. */
    DISCONNECT("disconnect"),
    /** Apply the after-sb-0pri decision even if it discards a primary's data. */
    VIOLENTLY_AS0P("violently-as0p"),
    /** Apply the after-sb-0pri decision; the losing primary is demoted by the cluster manager. */
    CALL_PRI_LOST_AFTER_SB("call-pri-lost-after-sb");

    private final String drbdName;

    AfterSb2Pri(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The value as written in DRBD configuration files. */
    public String drbdName() {
        return drbdName;
    }

    /**
     * @throws IllegalArgumentException listing the valid names if {@code drbdName} is none of them
     */
    public static AfterSb2Pri fromDrbdName(String drbdName) {
        return DrbdNames.lookup(values(), AfterSb2Pri::drbdName, drbdName, "after-sb-2pri");
    }
}
