package io.appliance.replication.state;

/** The state of the link to the peer (DRBD 9's connection states, reduced to those this implementation has). */
public enum ConnectionState {
    /** Not trying to connect: after {@code disconnect}, a refused handshake or before {@code up}. */
    STANDALONE("StandAlone"),
    /** Tearing the link down. */
    DISCONNECTING("Disconnecting"),
    /** Trying to connect every connect-int (DRBD 8.4: WFConnection). */
    CONNECTING("Connecting"),
    /** Handshake done; the replication state tells whether a resync runs. */
    CONNECTED("Connected");

    private final String drbdName;

    ConnectionState(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The word DRBD prints for this state in {@code drbdadm status} and {@code drbdsetup events2}. */
    public String drbdName() {
        return drbdName;
    }

    /**
     * @throws IllegalArgumentException listing the valid names when {@code drbdName} is none of them
     */
    public static ConnectionState fromDrbdName(String drbdName) {
        return DrbdWords.lookup(values(), ConnectionState::drbdName, drbdName, "ConnectionState");
    }
}
