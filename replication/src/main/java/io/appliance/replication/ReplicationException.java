package io.appliance.replication;

import java.util.Objects;

/**
 * A verb was refused or failed. The message reads like drbdadm's, e.g.
 * {@code "r0: State change failed: (-2) Need access to UpToDate data"}.
 */
public final class ReplicationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a verb failed; the appliance maps refusals to 409, IO_ERROR to 500, TIMEOUT to 504. */
    public enum Reason {
        NOT_UP, ALREADY_UP, NO_METADATA, METADATA_EXISTS, METADATA_CORRUPT, NEED_UP_TO_DATE, PEER_IS_PRIMARY,
        NOT_CONNECTED, ALREADY_CONNECTED, BUSY, SIZE_MISMATCH, IO_ERROR, INVALID, TIMEOUT
    }

    private final Reason reason;

    public ReplicationException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ReplicationException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
