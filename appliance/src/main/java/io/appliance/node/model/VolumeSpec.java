package io.appliance.node.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dropwizard.util.DataSize;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * A volume as the operator asks for it ({@code POST /api/v1/pools/{pool}/volumes}).
 *
 * @param size rounded up to whole extents of the pool
 */
@SelfValidating
public record VolumeSpec(
        @NotNull @Pattern(regexp = LvmNames.REGEX, message = LvmNames.RULE) String name,
        @NotNull @JsonDeserialize(using = DataSizeOrBytesDeserializer.class) DataSize size) {

    @SelfValidation
    public void checkSize(ViolationCollector violations) {
        if (size != null && size.toBytes() == 0) {
            violations.addViolation("size", "must be more than 0 bytes");
        }
    }
}
