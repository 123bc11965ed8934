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
 * A logical unit as the operator asks for it ({@code POST .../luns} and the seed).
 *
 * @param lun         the LUN number, 0..16383 (SAM-5 flat space addressing)
 * @param size        capacity: bytes, or text such as {@code 1GiB}; a multiple of
 *                    {@value #BLOCK_SIZE} bytes
 * @param backingFile the file that holds the data; relative paths are under the state directory;
 *                    absent: {@code luns/<target>-lun<N>.img}
 * @param readOnly    writes fail with DATA PROTECT / WRITE PROTECTED
 * @param uuid        fixes the unit serial number and NAA identifier; generated when absent
 */
@SelfValidating
public record LunSpec(
        @NotNull
        @Min(value = LogicalUnitNumbers.MIN, message = LUN_RANGE)
        @Max(value = LogicalUnitNumbers.MAX, message = LUN_RANGE)
        Integer lun,
        @NotNull @JsonDeserialize(using = DataSizeOrBytesDeserializer.class) DataSize size,
        String backingFile,
        boolean readOnly,
        UUID uuid) {

    static final String LUN_RANGE = "must be " + LogicalUnitNumbers.MIN + ".." + LogicalUnitNumbers.MAX;

    /** Logical block size of every LUN this node creates (SBC-3 §4.4). */
    public static final int BLOCK_SIZE = 512;

    @SelfValidation
    public void checkSize(ViolationCollector violations) {
        if (size == null) {
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
}
