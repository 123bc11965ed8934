package io.appliance.node.store;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A stored logical unit.
 *
 * @param backing   where the data lives: a file or a logical volume
 * @param sizeBytes capacity, a multiple of {@code blockSize}
 */
public record LunRecord(String targetName, int lun, UUID uuid, LunBacking backing, long sizeBytes, int blockSize,
        boolean readOnly, Instant createdAt) {

    public LunRecord {
        Objects.requireNonNull(targetName, "targetName");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(backing, "backing");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
