package io.appliance.node.model;

import io.dropwizard.validation.selfvalidating.ViolationCollector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks the device paths of a pool request before lvm2 sees them. */
final class DeviceNames {

    private static final String DEVICE_REGEX = "/dev/[A-Za-z0-9._+/-]+";

    private DeviceNames() {
    }

    static void check(String field, List<String> devices, ViolationCollector violations) {
        if (devices == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < devices.size(); i++) {
            String device = devices.get(i);
            if (device == null || !device.matches(DEVICE_REGEX) || device.contains("/../")) {
                violations.addViolation(field, i, "must be a block device path such as /dev/sdb");
            } else if (!seen.add(device)) {
                violations.addViolation(field, i, device + " is listed twice");
            }
        }
    }
}
