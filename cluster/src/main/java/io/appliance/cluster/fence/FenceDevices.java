package io.appliance.cluster.fence;

import io.appliance.cluster.agent.CommandRunner;
import io.appliance.config.cluster.FenceDeviceDefinition;
import java.util.List;
import java.util.Objects;

/** Builds the configured fence devices. */
public final class FenceDevices {

    private FenceDevices() {
    }

    /** One {@link ExternalFenceDevice} per definition, in configuration order. */
    public static List<FenceDevice> from(List<FenceDeviceDefinition> definitions, CommandRunner runner) {
        Objects.requireNonNull(runner, "runner");
        return definitions.stream().<FenceDevice>map(d -> new ExternalFenceDevice(d, runner)).toList();
    }
}
