package io.appliance.replication.sync;

/** Why a resync or verify run ended without finishing; the bits it did not handle stay set. */
public final class SyncException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What ended the run. */
    public enum Reason {
        /** {@code abort()}: the link was lost or the engine stopped the run. */
        ABORTED,
        /** The sync source answered too many requests in a row with ResyncNegReply. */
        TOO_MANY_FAILURES,
        /** A local read, write or flush failed. */
        LOCAL_IO_ERROR,
        /** The peer's answer did not match any request sent (wrong offset or length). */
        PEER_PROTOCOL_ERROR
    }

    private final Reason reason;

    public SyncException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public SyncException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
