package io.appliance.node.api;

import io.appliance.lvm.Segment;
import io.appliance.node.runtime.VolumeState;
import java.util.List;

/**
 * A volume (LVM logical volume) as the API shows it.
 *
 * @param size     bytes, a whole number of extents
 * @param segments where its extents are, in LV order
 * @param usedBy   {@code <target>/<LUN>} of the LUN it backs; null when none
 */
public record VolumeView(String pool, String name, long size, List<SegmentView> segments, String usedBy) {

    /** Extents {@code lvStartExtent..+extentCount} of the volume are extents {@code pvStartExtent..} of {@code device}. */
    public record SegmentView(long lvStartExtent, long extentCount, String device, long pvStartExtent) {

        static SegmentView of(Segment segment) {
            return new SegmentView(segment.lvStartExtent(), segment.extentCount(), segment.pvDevice(), segment.pvStartExtent());
        }
    }

    static VolumeView of(VolumeState state) {
        var volume = state.volume();
        return new VolumeView(volume.vgName(), volume.name(), volume.sizeBytes(),
                volume.segments().stream().map(SegmentView::of).toList(), state.usedBy().orElse(null));
    }
}
