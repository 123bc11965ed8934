package io.appliance.replication.state;

/**
 * The role of a node for one resource (DRBD: Primary may use the device, Secondary only replicates; Unknown is
 * the peer's role while not connected).
 */
public enum Role {
    PRIMARY("Primary"),
    SECONDARY("Secondary"),
    UNKNOWN("Unknown");

    private final String drbdName;

    Role(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The word DRBD prints for this state in {@code drbdadm status} and {@code drbdsetup events2}. */
    public String drbdName() {
        return drbdName;
    }

    /**
     * @throws IllegalArgumentException listing the valid names when {@code drbdName} is none of them
     */
    public static Role fromDrbdName(String drbdName) {
        return DrbdWords.lookup(values(), Role::drbdName, drbdName, "Role");
    }
}
