package io.appliance.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * How the node uses LVM for pools and volumes.
 *
 * <ul>
 *   <li>{@code access}: how LUNs on volumes reach their data: {@code auto} (the activated device
 *       node where the kernel has device-mapper and the volume is active, else the extent map),
 *       {@code device-node}, or {@code extent-map} (I/O on the physical volumes at the offsets of
 *       the volume's segment map, lvm2 commands run with {@code --driverloaded n}); default auto.
 *   <li>{@code commandTimeout}: how long one lvm2 command may run before it is killed, 1s..10min;
 *       default 60s.
 * </ul>
 */
public class LvmConfiguration {

    /** The values of {@code access}. */
    public enum Access {
        @JsonProperty("auto") AUTO,
        @JsonProperty("device-node") DEVICE_NODE,
        @JsonProperty("extent-map") EXTENT_MAP
    }

    @NotNull
    @JsonProperty
    private Access access = Access.AUTO;

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @MaxDuration(value = 10, unit = TimeUnit.MINUTES)
    @JsonProperty
    private Duration commandTimeout = Duration.seconds(60);

    public Access getAccess() {
        return access;
    }

    public Duration getCommandTimeout() {
        return commandTimeout;
    }
}
