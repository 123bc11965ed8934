package io.appliance.config.replication;

/** What a primary does when it loses its peer ({@code fencing}, drbd.conf). Default {@link #DONT_CARE}. */
public enum FencingPolicy {
    /** No fencing: keep writing. */
    DONT_CARE("dont-care"),
    /** Mark the peer outdated through the cluster manager before continuing. */
    RESOURCE_ONLY("resource-only"),
    /** Freeze I/O until the cluster manager has fenced the peer. */
    RESOURCE_AND_STONITH("resource-and-stonith");

    private final String drbdName;

    FencingPolicy(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The value as written in DRBD configuration files. */
    public String drbdName() {
        return drbdName;
    }

    /**
     * @throws IllegalArgumentException listing the valid names if {@code drbdName} is none of them
     */
    public static FencingPolicy fromDrbdName(String drbdName) {
        return DrbdNames.lookup(values(), FencingPolicy::drbdName, drbdName, "fencing");
    }
}
