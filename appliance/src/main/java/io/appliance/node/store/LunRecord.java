package io.appliance.node.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A stored logical unit.
 *
 * @param backingFile absolute path of the file that holds the data
 * @param sizeBytes   capacity, a multiple of {@code blockSize}
 */
public record LunRecord(String targetName, int lun, UUID uuid, Path backingFile, long sizeBytes, int blockSize,
        boolean readOnly, Instant createdAt) {

    public LunRecord {
        Objects.requireNonNull(targetName, "targetName");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(backingFile, "backingFile");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
