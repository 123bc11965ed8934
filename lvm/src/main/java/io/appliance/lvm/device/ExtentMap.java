package io.appliance.lvm.device;

import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.LvmException;
import io.appliance.lvm.PhysicalVolume;
import io.appliance.lvm.Segment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where each byte of a block device is stored: contiguous runs of the device's bytes, each at a
 * position of a backing file (a physical volume, or the volume's own device node). Immutable, so
 * that a request maps its whole range against one consistent snapshot while a reload builds the
 * next one.
 */
final class ExtentMap {

    /** Device bytes {@code [deviceStart, deviceStart + length)} stored from {@code backingPosition} of {@code backingFile}. */
    record Range(long deviceStart, long length, Path backingFile, long backingPosition) {
        long deviceEnd() {
            return deviceStart + length;
        }
    }

    /** One positional I/O of a request: {@code length} bytes at {@code backingPosition}, {@code requestOffset} bytes into the request. */
    record Piece(Path backingFile, long backingPosition, int requestOffset, int length) {
    }

    private final List<Range> ranges;
    private final long sizeBytes;
    private final Set<Path> backingFiles;

    private ExtentMap(List<Range> ranges, long sizeBytes) {
        this.ranges = List.copyOf(ranges);
        this.sizeBytes = sizeBytes;
        this.backingFiles = ranges.stream().map(Range::backingFile)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /**
     * The map of a linear logical volume from its segment map: LV extent {@code e} of a segment
     * that starts at LV extent {@code s} and PV extent {@code p} is stored at
     * {@code pe_start + (p + e - s) * extent_size} on that PV (lvm2's linear segment type; the
     * physical extents of a PV start at its {@code pe_start}).
     *
     * @param physicalVolumes at least the PVs the segments name, for their {@code pe_start}
     * @throws LvmException INVALID_ARGUMENT when the volume has no segment on a PV, its segments
     *                      leave a gap or overlap, or it is smaller than one block; NOT_FOUND when
     *                      a segment's PV is not among {@code physicalVolumes}
     */
    static ExtentMap ofSegments(LogicalVolume volume, long extentSizeBytes, List<PhysicalVolume> physicalVolumes,
            int blockSize) throws LvmException {
        if (extentSizeBytes <= 0) {
            throw new LvmException(LvmException.Reason.INVALID_ARGUMENT, "pool " + volume.vgName()
                    + " reports an extent size of " + extentSizeBytes + " bytes; check it with `vgs -o +vg_extent_size`");
        }
        if (volume.segments().isEmpty()) {
            throw new LvmException(LvmException.Reason.INVALID_ARGUMENT, "volume " + volume.fullName()
                    + " has no segment on a physical volume (thin or virtual volumes cannot be opened by extent map);"
                    + " use a linear volume or open it through its device node");
        }
        Map<String, PhysicalVolume> byDevice = physicalVolumes.stream()
                .collect(Collectors.toMap(PhysicalVolume::device, Function.identity(), (first, second) -> first));
        List<Range> ranges = new ArrayList<>();
        long nextExtent = 0;
        try {
            for (Segment segment : volume.segments()) {
                if (segment.lvStartExtent() != nextExtent) {
                    throw new LvmException(LvmException.Reason.INVALID_ARGUMENT, "segment map of volume "
                            + volume.fullName() + " is not contiguous: expected LV extent " + nextExtent + ", found "
                            + segment.lvStartExtent() + "; check `lvs -o +seg_start_pe,seg_pe_ranges "
                            + volume.fullName() + "`");
                }
                PhysicalVolume pv = byDevice.get(segment.pvDevice());
                if (pv == null) {
                    throw new LvmException(LvmException.Reason.NOT_FOUND, "physical volume " + segment.pvDevice()
                            + " holding extents of volume " + volume.fullName()
                            + " is not reported by pvs; check the device with `pvs " + segment.pvDevice() + "`");
                }
                long position = Math.addExact(pv.peStartBytes(),
                        Math.multiplyExact(segment.pvStartExtent(), extentSizeBytes));
                ranges.add(new Range(Math.multiplyExact(segment.lvStartExtent(), extentSizeBytes),
                        Math.multiplyExact(segment.extentCount(), extentSizeBytes), Path.of(segment.pvDevice()),
                        position));
                nextExtent = segment.lvEndExtent();
            }
            long mappedBytes = Math.multiplyExact(nextExtent, extentSizeBytes);
            if (mappedBytes < volume.sizeBytes()) {
                throw new LvmException(LvmException.Reason.INVALID_ARGUMENT, "segment map of volume "
                        + volume.fullName() + " covers " + mappedBytes + " bytes but the volume has "
                        + volume.sizeBytes() + "; check `lvs -o +seg_pe_ranges " + volume.fullName() + "`");
            }
            return new ExtentMap(ranges, wholeBlocks(volume.sizeBytes(), blockSize, "volume " + volume.fullName()));
        } catch (ArithmeticException e) {
            throw new LvmException(LvmException.Reason.INVALID_ARGUMENT, "segment map of volume "
                    + volume.fullName() + " has offsets beyond 2^63 bytes", e);
        }
    }

    /** The map of an activated volume: its device node, from offset 0, for the node's whole size. */
    static ExtentMap ofDeviceNode(Path deviceNode, long nodeSizeBytes, int blockSize) throws LvmException {
        long size = wholeBlocks(nodeSizeBytes, blockSize, "device node " + deviceNode);
        return new ExtentMap(List.of(new Range(0, size, deviceNode, 0)), size);
    }

    private static long wholeBlocks(long bytes, int blockSize, String what) throws LvmException {
        long size = bytes / blockSize * blockSize;
        if (size <= 0) {
            throw new LvmException(LvmException.Reason.INVALID_ARGUMENT,
                    what + " has " + bytes + " bytes, less than one block of " + blockSize);
        }
        return size;
    }

    /** Device size in bytes, a multiple of the block size. */
    long sizeBytes() {
        return sizeBytes;
    }

    /** The distinct backing files, in the order of the device's bytes. */
    Set<Path> backingFiles() {
        return backingFiles;
    }

    List<Range> ranges() {
        return ranges;
    }

    /**
     * Splits a request into one positional I/O per range it touches, in device order. The caller
     * has checked that {@code [offset, offset + length)} lies within {@link #sizeBytes()}.
     */
    List<Piece> pieces(long offset, int length) {
        int index = rangeIndexOf(offset);
        Range first = ranges.get(index);
        if (offset + length <= first.deviceEnd()) {
            return List.of(new Piece(first.backingFile(), first.backingPosition() + offset - first.deviceStart(), 0,
                    length));
        }
        List<Piece> pieces = new ArrayList<>(2);
        long position = offset;
        int done = 0;
        while (done < length) {
            Range range = ranges.get(index++);
            int chunk = (int) Math.min(length - done, range.deviceEnd() - position);
            pieces.add(new Piece(range.backingFile(), range.backingPosition() + position - range.deviceStart(), done,
                    chunk));
            done += chunk;
            position += chunk;
        }
        return pieces;
    }

    /** Index of the range holding device byte {@code offset} (binary search: ranges are sorted and contiguous). */
    private int rangeIndexOf(long offset) {
        int low = 0;
        int high = ranges.size() - 1;
        while (low < high) {
            int middle = (low + high + 1) >>> 1;
            if (ranges.get(middle).deviceStart() <= offset) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        return low;
    }

    @Override
    public String toString() {
        return "ExtentMap[" + sizeBytes + " bytes in " + ranges.size() + " ranges]";
    }
}
