package io.appliance.node.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dropwizard.util.DataSize;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.constraints.Pattern;

/**
 * {@code PATCH /api/v1/pools/{pool}/volumes/{name}}: either a larger {@code size} (lvextend,
 * rounded up to whole extents) or a new {@code name} (lvrename), not both.
 */
@SelfValidating
public record VolumeChange(
        @JsonDeserialize(using = DataSizeOrBytesDeserializer.class) DataSize size,
        @Pattern(regexp = LvmNames.REGEX, message = LvmNames.RULE) String name) {

    @SelfValidation
    public void checkOneChange(ViolationCollector violations) {
        if ((size == null) == (name == null)) {
            violations.addViolation("(body)", "give either size (to extend) or name (to rename)");
        }
    }
}
