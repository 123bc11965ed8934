package io.appliance.node.model;

import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;

/** {@code PATCH /api/v1/pools/{name}}: devices to add to the pool (vgextend). */
@SelfValidating
public record PoolChange(@NotEmpty List<String> addDevices) {

    @SelfValidation
    public void checkDevices(ViolationCollector violations) {
        DeviceNames.check("addDevices", addDevices, violations);
    }
}
