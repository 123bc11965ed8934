package io.appliance.lvm;

/**
 * One contiguous run of a logical volume's extents on one physical volume, as
 * {@code lvs -o seg_start_pe,seg_pe_ranges} reports it ({@code /dev/loop0:10-19}).
 *
 * @param lvStartExtent first extent of the LV this segment holds (LV-relative)
 * @param extentCount   how many extents
 * @param pvDevice      the physical volume's device path
 * @param pvStartExtent first physical extent on that PV
 */
public record Segment(long lvStartExtent, long extentCount, String pvDevice, long pvStartExtent) {

    public Segment {
        if (lvStartExtent < 0 || extentCount <= 0 || pvStartExtent < 0) {
            throw new IllegalArgumentException("bad segment: LV extent " + lvStartExtent + ", " + extentCount
                    + " extents at PV extent " + pvStartExtent);
        }
    }

    /** First LV extent after this segment. */
    public long lvEndExtent() {
        return lvStartExtent + extentCount;
    }
}
