package io.appliance.node.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.appliance.config.LogicalUnitNumbers;
import io.dropwizard.util.DataSize;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.UUID;

/**
 * A logical unit as the operator asks for it ({@code POST .../luns} and the seed). Four kinds of
 * backing: a file ({@code backingFile}, or the default file), an existing logical volume
 * ({@code volume}), a new logical volume carved from a pool ({@code pool}, {@code size},
 * optional {@code volumeName}), or a replicated disk ({@code replicatedDisk}, a resource of the
 * node's {@code replication} section; its size is the resource's).
 *
 * @param lun         the LUN number, 0..16383 (SAM-5 flat space addressing)
 * @param size        capacity: bytes, or text such as {@code 1GiB}; a multiple of
 *                    {@value #BLOCK_SIZE} bytes. Required for files and new volumes; with
 *                    {@code volume} it may be left out (the volume's size is served)
 * @param backingFile the file that holds the data; relative paths are under the state directory;
 *                    absent (and no volume): {@code luns/<target>-lun<N>.img}
 * @param readOnly    writes fail with DATA PROTECT / WRITE PROTECTED
 * @param uuid        fixes the unit serial number and NAA identifier; generated when absent
 * @param volume      an existing logical volume as {@code pool/name}
 * @param pool        carve a new logical volume of {@code size} from this pool
 * @param volumeName  the new volume's name; default {@code <target alias>-lun<N>}
 * @param replicatedDisk the replicated disk (resource name) whose device the LUN serves; its I/O
 *                    fails with NOT READY while the resource is not Primary on this node
 */
@SelfValidating
public record LunSpec(
        @NotNull
        @Min(value = LogicalUnitNumbers.MIN, message = LUN_RANGE)
        @Max(value = LogicalUnitNumbers.MAX, message = LUN_RANGE)
        Integer lun,
        @JsonDeserialize(using = DataSizeOrBytesDeserializer.class) DataSize size,
        String backingFile,
        boolean readOnly,
        UUID uuid,
        String volume,
        String pool,
        String volumeName,
        String replicatedDisk) {

    static final String LUN_RANGE = "must be " + LogicalUnitNumbers.MIN + ".." + LogicalUnitNumbers.MAX;

    /** Logical block size of every LUN this node creates (SBC-3 §4.4). */
    public static final int BLOCK_SIZE = 512;

    /** A resource name as the replication definition allows it. */
    static final String RESOURCE_NAME = "[A-Za-z0-9_.+-]{1,63}";

    /** A file-backed LUN. */
    public LunSpec(Integer lun, DataSize size, String backingFile, boolean readOnly, UUID uuid) {
        this(lun, size, backingFile, readOnly, uuid, null, null, null, null);
    }

    /** A LUN on a file or a volume. */
    public LunSpec(Integer lun, DataSize size, String backingFile, boolean readOnly, UUID uuid, String volume, String pool,
            String volumeName) {
        this(lun, size, backingFile, readOnly, uuid, volume, pool, volumeName, null);
    }

    /** The kind of backing this spec asks for. */
    public enum Backing { FILE, EXISTING_VOLUME, NEW_VOLUME, REPLICATED }

    public Backing backing() {
        if (replicatedDisk != null) {
            return Backing.REPLICATED;
        }
        if (volume != null) {
            return Backing.EXISTING_VOLUME;
        }
        return pool != null ? Backing.NEW_VOLUME : Backing.FILE;
    }

    /** The pool part of {@code volume} ({@code pool/name}). */
    public String volumePool() {
        return volume.substring(0, volume.indexOf('/'));
    }

    /** The name part of {@code volume} ({@code pool/name}). */
    public String volumeNameInPool() {
        return volume.substring(volume.indexOf('/') + 1);
    }

    @SelfValidation
    public void checkSize(ViolationCollector violations) {
        if (size == null) {
            if (volume == null && replicatedDisk == null) {
                violations.addViolation("size", "must not be null");
            }
            return;
        }
        long bytes = size.toBytes();
        if (bytes < BLOCK_SIZE) {
            violations.addViolation("size", "must be at least " + BLOCK_SIZE + " bytes");
        } else if (bytes % BLOCK_SIZE != 0) {
            violations.addViolation("size", "must be a multiple of " + BLOCK_SIZE + " bytes (the block size)");
        }
    }

    @SelfValidation
    public void checkBackingFile(ViolationCollector violations) {
        if (backingFile != null && (backingFile.isBlank() || backingFile.indexOf('\0') >= 0)) {
            violations.addViolation("backingFile", "must be a file path");
        }
    }

    @SelfValidation
    public void checkReplicatedDisk(ViolationCollector violations) {
        if (replicatedDisk == null) {
            return;
        }
        if (!replicatedDisk.matches(RESOURCE_NAME)) {
            violations.addViolation("replicatedDisk", "must be a resource name: 1..63 letters, digits, '_', '.', '+' or '-'");
        }
        if (size != null || backingFile != null || volume != null || pool != null || volumeName != null) {
            violations.addViolation("replicatedDisk", "serves the resource's device at its size; leave out size, backingFile,"
                    + " volume, pool and volumeName");
        }
    }

    @SelfValidation
    public void checkVolume(ViolationCollector violations) {
        if (volume != null) {
            int slash = volume.indexOf('/');
            if (slash < 0 || !LvmNames.valid(volume.substring(0, slash)) || !LvmNames.valid(volume.substring(slash + 1))) {
                violations.addViolation("volume", "must be POOL/NAME, each " + LvmNames.RULE);
            }
            if (backingFile != null || pool != null || volumeName != null) {
                violations.addViolation("volume", "names an existing volume; leave out backingFile, pool and volumeName");
            }
        }
        if (pool != null) {
            if (!LvmNames.valid(pool)) {
                violations.addViolation("pool", LvmNames.RULE);
            }
            if (backingFile != null) {
                violations.addViolation("pool", "carves a volume; leave out backingFile");
            }
        }
        if (volumeName != null) {
            if (pool == null && volume == null) {
                violations.addViolation("volumeName", "needs pool (the pool to carve the volume from)");
            }
            if (!LvmNames.valid(volumeName)) {
                violations.addViolation("volumeName", LvmNames.RULE);
            }
        }
    }
}
