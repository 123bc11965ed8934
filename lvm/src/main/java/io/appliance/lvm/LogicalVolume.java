package io.appliance.lvm;

import java.util.Comparator;
import java.util.List;

/**
 * A logical volume (the appliance calls it a volume) with its segment map, as
 * {@code lvs --reportformat json --units b -o lv_name,vg_name,lv_size,lv_active,lv_path,seg_start_pe,seg_pe_ranges}
 * reports it (one report row per segment, joined here).
 *
 * @param segments   sorted by {@link Segment#lvStartExtent()}; together they cover the LV's extents.
 *                   Empty when the LV is not a contiguous linear map (striped over several PVs, RAID,
 *                   mirror, thin...): such an LV can only be opened through its device node
 * @param active     true when the kernel has a device node for it (device-mapper)
 * @param devicePath the activated device node ({@code /dev/vg/lv}), meaningful only when active
 */
public record LogicalVolume(String vgName, String name, long sizeBytes, List<Segment> segments,
        boolean active, String devicePath) {

    public LogicalVolume {
        segments = segments.stream().sorted(Comparator.comparingLong(Segment::lvStartExtent)).toList();
    }

    /** {@code vg/lv}, the name lvm2's tools take. */
    public String fullName() {
        return vgName + "/" + name;
    }
}
