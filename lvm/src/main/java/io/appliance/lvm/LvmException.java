package io.appliance.lvm;

import java.util.Objects;

/** One reason per way an lvm2 operation fails; the message says what the operator should do. */
public final class LvmException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an operation failed. */
    public enum Reason {
        /** A pool, volume or device named in the request does not exist. */
        NOT_FOUND,
        /** A pool or volume of that name already exists. */
        ALREADY_EXISTS,
        /** The pool has fewer free extents than the request needs. */
        INSUFFICIENT_SPACE,
        /** A device is mounted, holds data (a signature), or already belongs to a volume group. */
        DEVICE_IN_USE,
        /** A name, size or device path that lvm2 would refuse; nothing was run. */
        INVALID_ARGUMENT,
        /** An lvm2 tool is not installed on this node. */
        TOOL_MISSING,
        /** An lvm2 tool failed for a reason not listed above; the message carries its stderr. */
        TOOL_FAILED,
        /** An lvm2 tool ran longer than the configured command timeout and was killed. */
        TIMEOUT
    }

    private final Reason reason;

    public LvmException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public LvmException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
