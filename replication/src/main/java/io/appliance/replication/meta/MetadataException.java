package io.appliance.replication.meta;

import java.io.IOException;
import java.util.Objects;

/** A metadata area that cannot be used as it is; {@link #reason()} says why, the message says what to do. */
public final class MetadataException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why the metadata cannot be used. */
    public enum Reason {
        /** Neither superblock slot carries the magic: create-md was never run on this device. */
        NO_METADATA,
        /** The magic is there but no slot is valid (bad checksum, unknown version, impossible values). */
        CORRUPT,
        /** The device cannot hold the metadata area (the message names the minimum size). */
        TOO_SMALL,
        /** The metadata was created for another geometry (activity-log extents or data size). */
        GEOMETRY_MISMATCH,
        /** create-md found metadata and was not told to overwrite it. */
        EXISTS,
        /** The device failed a read or a write of the metadata area. */
        IO
    }

    private final Reason reason;

    public MetadataException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public MetadataException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
