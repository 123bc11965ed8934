package io.appliance.config.cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the cluster makes sure a lost node runs nothing before its resources start elsewhere.
 *
 * @param enabled Pacemaker's {@code stonith-enabled}: false = a lost node is taken as stopped at once
 *     (unsafe; for tests and shared-nothing resources)
 * @param action what a device does to a lost node
 * @param watchdogTimeout a lost node counts as self-fenced this long after it left the view; {@link Duration#ZERO}
 *     = no watchdog (a lost node then needs a device). When non-zero it must exceed
 *     {@code deadtime + selfFenceTimeout} (checked by {@link ClusterDefinition})
 * @param selfFenceTimeout a node that lost quorum stops everything within this time or halts its process;
 *     100 ms .. 10 min
 * @param devices the fence devices, unique names
 */
public record FencingOptions(boolean enabled, FenceAction action, Duration watchdogTimeout,
        Duration selfFenceTimeout, List<FenceDeviceDefinition> devices) {

    public FencingOptions {
        Checks.notNull(action, "action");
        Checks.duration(watchdogTimeout, "watchdogTimeout", Duration.ZERO, Duration.ofMinutes(10));
        Checks.duration(selfFenceTimeout, "selfFenceTimeout", Duration.ofMillis(100), Duration.ofMinutes(10));
        Checks.notNull(devices, "devices");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < devices.size(); i++) {
            FenceDeviceDefinition device = Checks.notNull(devices.get(i), "devices[" + i + "]");
            Checks.require(names.add(device.name()), "devices[" + i + "].name",
                    "fence device name " + device.name() + " is used twice");
        }
        devices = List.copyOf(devices);
    }

    /** Enabled, REBOOT, watchdog 5 s, self-fence 2 s, no devices. */
    public static FencingOptions defaults() {
        return new FencingOptions(true, FenceAction.REBOOT, Duration.ofSeconds(5), Duration.ofSeconds(2), List.of());
    }

    /** Whether a device can fence {@code node}. */
    public boolean hasDeviceFor(String node) {
        return devices.stream().anyMatch(device -> device.canFence(node));
    }
}
