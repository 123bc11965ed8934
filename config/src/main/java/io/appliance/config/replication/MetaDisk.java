package io.appliance.config.replication;

import java.util.Objects;

/**
 * Where a node keeps the replication metadata of its backing volume (drbd.conf {@code meta-disk} /
 * {@code flexible-meta-disk}).
 */
public sealed interface MetaDisk {

    /** {@code meta-disk internal}: at the end of the backing volume, which the replicated disk shrinks to leave room. */
    record Internal() implements MetaDisk {
    }

    /**
     * {@code flexible-meta-disk PATH} (or {@code meta-disk PATH}): on a separate file or block device
     * sized for this volume only. DRBD's fixed-size indexed meta-disks ({@code PATH[IDX]}) are not
     * supported.
     */
    record External(String path) implements MetaDisk {
        public External {
            Objects.requireNonNull(path, "path");
        }
    }

    /** {@code meta-disk internal}. */
    static MetaDisk internal() {
        return new Internal();
    }
}
