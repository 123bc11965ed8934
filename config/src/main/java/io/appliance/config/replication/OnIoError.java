package io.appliance.config.replication;

/** What a node does when its backing volume reports an I/O error ({@code on-io-error}, drbd.conf). Default {@link #DETACH}. */
public enum OnIoError {
    /** Report the error to the upper layer (on the primary) or ignore it (on a secondary). */
    PASS_ON("pass_on"),
    /** Run the local-io-error handler; here: raise an event for the cluster manager, then detach. */
    CALL_LOCAL_IO_ERROR("call-local-io-error"),
    /** Detach the backing volume and continue diskless, serving I/O from the peer. */
    DETACH("detach");

    private final String drbdName;

    OnIoError(String drbdName) {
        this.drbdName = drbdName;
    }

    /** The value as written in DRBD configuration files. */
    public String drbdName() {
        return drbdName;
    }

    /**
     * @throws IllegalArgumentException listing the valid names if {@code drbdName} is none of them
     */
    public static OnIoError fromDrbdName(String drbdName) {
        return DrbdNames.lookup(values(), OnIoError::drbdName, drbdName, "on-io-error");
    }
}
