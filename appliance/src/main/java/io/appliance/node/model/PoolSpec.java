package io.appliance.node.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dropwizard.util.DataSize;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * A pool as the operator asks for it ({@code POST /api/v1/pools}): an LVM volume group over
 * block devices.
 *
 * @param devices    block devices (absolute paths under /dev); those not yet physical volumes are made so
 * @param extentSize the physical extent size, a power of two of at least 1 KiB; absent: lvm2's 4 MiB
 */
@SelfValidating
public record PoolSpec(
        @NotNull @Pattern(regexp = LvmNames.REGEX, message = LvmNames.RULE) String name,
        @NotEmpty List<String> devices,
        @JsonDeserialize(using = DataSizeOrBytesDeserializer.class) DataSize extentSize) {

    /** lvm2's smallest extent size (vgcreate(8) --physicalextentsize). */
    static final long MIN_EXTENT_BYTES = 1024;

    @SelfValidation
    public void checkDevices(ViolationCollector violations) {
        DeviceNames.check("devices", devices, violations);
    }

    @SelfValidation
    public void checkExtentSize(ViolationCollector violations) {
        if (extentSize == null) {
            return;
        }
        long bytes = extentSize.toBytes();
        if (bytes < MIN_EXTENT_BYTES || Long.bitCount(bytes) != 1) {
            violations.addViolation("extentSize", "must be a power of two of at least 1KiB, such as 4MiB");
        }
    }

    /** The extent size in bytes, 0 for lvm2's default. */
    public long extentSizeBytes() {
        return extentSize == null ? 0 : extentSize.toBytes();
    }
}
