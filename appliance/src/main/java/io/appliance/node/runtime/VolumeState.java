package io.appliance.node.runtime;

import io.appliance.lvm.LogicalVolume;
import java.util.Optional;

/**
 * A volume with the LUN it backs.
 *
 * @param usedBy {@code <target name>/<LUN>} of the LUN on it; empty when no LUN uses it
 */
public record VolumeState(LogicalVolume volume, Optional<String> usedBy) {
}
