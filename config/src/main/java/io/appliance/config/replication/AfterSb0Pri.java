package io.appliance.config.replication;

/** Split-brain recovery when neither node is primary ({@code after-sb-0pri}, drbd.conf). Default {@link #DISCONNECT}. */
public enum AfterSb0Pri {
    /** No automatic resolution: disconnect and wait for the administrator. */
    DISCONNECT("disconnect"),
    /** Discard the changes of the node that became primary last. */
    DISCARD_YOUNGER_PRIMARY("discard-younger-primary"),
    /** Discard the changes of the node that became primary first. */
    DISCARD_OLDER_PRIMARY("discard-older-primary"),
    /** If one node wrote nothing since the split, resync from the other; otherwise disconnect. */
    DISCARD_ZERO_CHANGES("discard-zero-changes"),
    /** Discard the node with fewer changed blocks. */
    DISCARD_LEAST_CHANGES("discard-least-changes"),
    /** {@code discard-node-NODENAME}: always discard that node; the name is kept in {@link ResourceOptions#discardNode()}. */
    DISCARD_NODE("discard-node");

    private final String drbdName;

    AfterSb0Pri(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The value as written in DRBD configuration files. */
    public String drbdName() {
        return drbdName;
    }

    /**
     * @throws IllegalArgumentException listing the valid names if {@code drbdName} is none of them
     */
    public static AfterSb0Pri fromDrbdName(String drbdName) {
        return DrbdNames.lookup(values(), AfterSb0Pri::drbdName, drbdName, "after-sb-0pri");
    }
}
