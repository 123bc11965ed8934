package io.appliance.itest.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Reads a logical volume's bytes straight from its physical volumes with {@code dd}, following
 * lvm2's own extent map: LV byte {@code p} of a segment {@code (lvStart, count, device, pvStart)}
 * lives on {@code device} at {@code pe_start + (pvStart + p / extent_size - lvStart) * extent_size + p % extent_size}.
 * Reads bypass the page cache ({@code iflag=direct}), so they see what reached the device.
 */
public final class ExtentMapReader {

    private static final Duration DD_LIMIT = Duration.ofSeconds(60);
    private static final int SECTOR = 512;

    private final Lvm2.LogicalVolumeMap volume;
    private final Map<String, Long> extentStarts;
    private final long extentSize;

    /**
     * @param extentStarts {@code pe_start} of each PV by device path
     * @param extentSize   {@code vg_extent_size}
     */
    public ExtentMapReader(Lvm2.LogicalVolumeMap volume, Map<String, Long> extentStarts, long extentSize) {
        this.volume = volume;
        this.extentStarts = Map.copyOf(extentStarts);
        this.extentSize = extentSize;
    }

    /** Reads the current map of {@code volumeGroup/name} from lvm2. */
    public static ExtentMapReader of(String volumeGroup, String name) throws IOException, InterruptedException {
        Lvm2.LogicalVolumeMap volume = Lvm2.volumes(volumeGroup).get(name);
        if (volume == null) {
            throw new AssertionError("lvs shows no " + volumeGroup + "/" + name);
        }
        return new ExtentMapReader(volume, Lvm2.extentStarts(volumeGroup), Lvm2.extentSize(volumeGroup));
    }

    public Lvm2.LogicalVolumeMap volume() {
        return volume;
    }

    /** Where LV byte {@code offset} lives on its PV, as {@code device@byte}. */
    public String locate(long offset) {
        Lvm2.SegmentRow segment = segmentAt(offset);
        return segment.device() + "@" + deviceOffset(segment, offset);
    }

    /** {@code length} bytes of the LV from {@code offset}; both multiples of 512 (direct I/O). */
    public byte[] read(long offset, int length) throws IOException, InterruptedException {
        if (offset % SECTOR != 0 || length % SECTOR != 0 || offset < 0 || offset + length > volume.sizeBytes()) {
            throw new IllegalArgumentException("read of " + length + " bytes at " + offset + " is not sector-aligned inside "
                    + volume.sizeBytes() + " bytes");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(length);
        long position = offset;
        long end = offset + length;
        while (position < end) {
            Lvm2.SegmentRow segment = segmentAt(position);
            long segmentEnd = (segment.lvStartExtent() + segment.extentCount()) * extentSize;
            long chunk = Math.min(end, segmentEnd) - position;
            ToolResult dd = Tool.of("dd", "if=" + segment.device(), "bs=1M", "iflag=direct,skip_bytes,count_bytes",
                            "skip=" + deviceOffset(segment, position), "count=" + chunk, "status=none")
                    .timeout(DD_LIMIT).runSuccessfully();
            if (dd.stdoutBytes().length != chunk) {
                throw new IOException("dd returned " + dd.stdoutBytes().length + " of " + chunk + " bytes: " + dd.describe());
            }
            bytes.write(dd.stdoutBytes());
            position += chunk;
        }
        return bytes.toByteArray();
    }

    private long deviceOffset(Lvm2.SegmentRow segment, long lvOffset) {
        Long start = extentStarts.get(segment.device());
        if (start == null) {
            throw new AssertionError("no pe_start for " + segment.device() + " in " + extentStarts);
        }
        return start + segment.pvStartExtent() * extentSize + (lvOffset - segment.lvStartExtent() * extentSize);
    }

    private Lvm2.SegmentRow segmentAt(long offset) {
        long extent = offset / extentSize;
        for (Lvm2.SegmentRow segment : volume.segments()) {
            if (extent >= segment.lvStartExtent() && extent < segment.lvStartExtent() + segment.extentCount()) {
                return segment;
            }
        }
        throw new AssertionError("no segment of " + volume.name() + " holds LV extent " + extent + ": " + volume.segments());
    }
}
