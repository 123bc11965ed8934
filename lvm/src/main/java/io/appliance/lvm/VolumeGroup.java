package io.appliance.lvm;

import java.util.List;

/**
 * A volume group (the appliance calls it a pool) as {@code vgs --reportformat json --units b}
 * reports it.
 *
 * @param extentSizeBytes the physical extent size; volumes are sized in whole extents
 * @param physicalVolumes device paths of its PVs
 */
public record VolumeGroup(String name, long extentSizeBytes, long sizeBytes, long freeBytes,
        int logicalVolumeCount, List<String> physicalVolumes) {

    public VolumeGroup {
        physicalVolumes = List.copyOf(physicalVolumes);
    }
}
