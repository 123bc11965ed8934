package io.appliance.node.api;

import io.appliance.lvm.VolumeGroup;
import java.util.List;

/**
 * A pool (LVM volume group) as the API shows it.
 *
 * @param extentSize bytes per extent; volumes are sized in whole extents
 * @param size       bytes over all its devices
 * @param free       unallocated bytes
 * @param volumes    how many logical volumes it holds
 * @param devices    its physical volumes
 */
public record PoolView(String name, long extentSize, long size, long free, int volumes, List<String> devices) {

    static PoolView of(VolumeGroup group) {
        return new PoolView(group.name(), group.extentSizeBytes(), group.sizeBytes(), group.freeBytes(),
                group.logicalVolumeCount(), group.physicalVolumes());
    }
}
