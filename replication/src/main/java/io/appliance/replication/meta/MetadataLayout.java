package io.appliance.replication.meta;

/**
 * Where the metadata area lies and how big its parts are. Every offset and size is a multiple of
 * {@link #PAGE_BYTES}. The area holds, in this order: superblock slot 0, superblock slot 1,
 * activity-log slot 0, activity-log slot 1, the out-of-sync bitmap.
 *
 * <p>Internal metadata sits at the end of the backing device (rounded down to 4 KiB) and the data
 * area is everything before it; external metadata sits at offset 0 of a separate meta device and
 * the whole backing device is data.
 *
 * @param mdOffset     offset of the metadata area on the meta device (the backing device when internal)
 * @param mdBytes      size of the metadata area
 * @param dataBytes    usable size of the replicated data area
 * @param alExtents    number of activity-log extents (the log's capacity)
 * @param bitmapOffset offset of the bitmap on the meta device
 * @param bitmapBytes  size reserved for the bitmap
 * @param alOffset     offset of activity-log slot 0 on the meta device
 * @param alSlotBytes  size of one activity-log slot
 * @param internal     true when the metadata lives at the end of the backing device
 */
public record MetadataLayout(long mdOffset, long mdBytes, long dataBytes, int alExtents, long bitmapOffset,
                             long bitmapBytes, long alOffset, int alSlotBytes, boolean internal) {

    /** Bitmap granularity: one bit per this many data bytes. */
    public static final int BLOCK_BYTES = 4096;
    /** Activity-log granularity: one extent covers this many data bytes. */
    public static final long EXTENT_BYTES = 4L << 20;
    /** Unit of metadata I/O and alignment of every part of the area. */
    public static final int PAGE_BYTES = 4096;
    /** Size of one superblock slot. */
    public static final int SUPERBLOCK_SLOT_BYTES = 4096;
    /** Bounds of the activity-log size, as DRBD's al-extents. */
    public static final int MIN_AL_EXTENTS = 7;
    public static final int MAX_AL_EXTENTS = 65534;
    /** Smallest data area a layout accepts: one block. */
    public static final long MIN_DATA_BYTES = BLOCK_BYTES;

    /** Header of an activity-log slot before its extent numbers (rounded up, see {@link #alSlotBytesFor}). */
    private static final int AL_HEADER_BYTES = 32;

    public MetadataLayout {
        checkAlExtents(alExtents);
        if (dataBytes < MIN_DATA_BYTES || dataBytes % BLOCK_BYTES != 0) {
            throw new IllegalArgumentException("dataBytes " + dataBytes + " must be a positive multiple of " + BLOCK_BYTES);
        }
        for (long value : new long[] {mdOffset, mdBytes, bitmapOffset, bitmapBytes, alOffset, alSlotBytes}) {
            if (value < 0 || value % PAGE_BYTES != 0) {
                throw new IllegalArgumentException("metadata offsets and sizes must be non-negative multiples of "
                    + PAGE_BYTES + ": " + value);
            }
        }
        if (alOffset != mdOffset + 2L * SUPERBLOCK_SLOT_BYTES || bitmapOffset != alOffset + 2L * alSlotBytes
                || mdBytes != bitmapOffset + bitmapBytes - mdOffset) {
            throw new IllegalArgumentException("inconsistent metadata layout: " + describe(mdOffset, mdBytes, alOffset,
                alSlotBytes, bitmapOffset, bitmapBytes));
        }
        if (alSlotBytes < alSlotBytesFor(alExtents) || bitmapBytes * 8 < dataBytes / BLOCK_BYTES) {
            throw new IllegalArgumentException("metadata area too small for " + alExtents + " extents and "
                + dataBytes + " data bytes");
        }
    }

    /**
     * Internal metadata at the end of a backing device of {@code backingBytes} (rounded down to
     * 4 KiB). The bitmap covers the whole backing device, so its size does not depend on itself.
     *
     * @throws MetadataException        TOO_SMALL when less than {@link #MIN_DATA_BYTES} would remain
     *                                  for data; the message names the minimum backing size
     * @throws IllegalArgumentException when alExtents is outside 7..65534
     */
    public static MetadataLayout internal(long backingBytes, int alExtents) throws MetadataException {
        checkAlExtents(alExtents);
        long backing = roundDown(Math.max(backingBytes, 0));
        long mdBytes = areaBytes(backing, alExtents);
        if (backing - mdBytes < MIN_DATA_BYTES) {
            throw new MetadataException(MetadataException.Reason.TOO_SMALL, "backing device of " + backingBytes
                + " bytes is too small for internal metadata with " + alExtents + " activity-log extents: at least "
                + minimumInternalBackingBytes(alExtents) + " bytes are needed");
        }
        return assemble(backing - mdBytes, mdBytes, backing - mdBytes, alExtents, true);
    }

    /**
     * External metadata at offset 0 of a meta device of {@code metaDeviceBytes}; the data area is
     * the whole backing device (rounded down to 4 KiB).
     *
     * @throws MetadataException        TOO_SMALL when the backing device is smaller than one block or
     *                                  the meta device cannot hold the area (the message names its size)
     * @throws IllegalArgumentException when alExtents is outside 7..65534
     */
    public static MetadataLayout external(long backingBytes, long metaDeviceBytes, int alExtents)
            throws MetadataException {
        checkAlExtents(alExtents);
        long data = roundDown(Math.max(backingBytes, 0));
        if (data < MIN_DATA_BYTES) {
            throw new MetadataException(MetadataException.Reason.TOO_SMALL, "backing device of " + backingBytes
                + " bytes is too small: at least " + MIN_DATA_BYTES + " bytes are needed");
        }
        long mdBytes = areaBytes(data, alExtents);
        if (metaDeviceBytes < mdBytes) {
            throw new MetadataException(MetadataException.Reason.TOO_SMALL, "meta device of " + metaDeviceBytes
                + " bytes is too small for the metadata of a " + data + "-byte backing device with " + alExtents
                + " activity-log extents: at least " + mdBytes + " bytes are needed");
        }
        return assemble(0, mdBytes, data, alExtents, false);
    }

    /** The smallest backing device that can hold internal metadata and one block of data. */
    public static long minimumInternalBackingBytes(int alExtents) {
        checkAlExtents(alExtents);
        long backing = MIN_DATA_BYTES + areaBytes(MIN_DATA_BYTES, alExtents);
        while (backing - areaBytes(backing, alExtents) < MIN_DATA_BYTES) {
            backing = areaBytes(backing, alExtents) + MIN_DATA_BYTES;
        }
        return backing;
    }

    /** Size of one activity-log slot for {@code alExtents} extents. */
    public static int alSlotBytesFor(int alExtents) {
        return (int) roundUp(AL_HEADER_BYTES + 4L * alExtents);
    }

    /** Number of bitmap bits in use: one per 4 KiB block of the data area. */
    public long bitCount() {
        return dataBytes / BLOCK_BYTES;
    }

    /** Number of activity-log extents the data area spans. */
    public long extentCount() {
        return (dataBytes + EXTENT_BYTES - 1) / EXTENT_BYTES;
    }

    /** Offset of superblock slot 0 or 1. */
    public long superblockOffset(int slot) {
        checkSlot(slot);
        return mdOffset + (long) slot * SUPERBLOCK_SLOT_BYTES;
    }

    /** Offset of activity-log slot 0 or 1. */
    public long alSlotOffset(int slot) {
        checkSlot(slot);
        return alOffset + (long) slot * alSlotBytes;
    }

    private static MetadataLayout assemble(long mdOffset, long mdBytes, long dataBytes, int alExtents, boolean internal) {
        int alSlotBytes = alSlotBytesFor(alExtents);
        long alOffset = mdOffset + 2L * SUPERBLOCK_SLOT_BYTES;
        long bitmapOffset = alOffset + 2L * alSlotBytes;
        long bitmapBytes = mdOffset + mdBytes - bitmapOffset;
        return new MetadataLayout(mdOffset, mdBytes, dataBytes, alExtents, bitmapOffset, bitmapBytes, alOffset,
            alSlotBytes, internal);
    }

    /** mdBytes = 2 superblock slots + 2 AL slots + a bitmap of one bit per 4 KiB of {@code coveredBytes}. */
    private static long areaBytes(long coveredBytes, int alExtents) {
        long bits = (coveredBytes + BLOCK_BYTES - 1) / BLOCK_BYTES;
        long bitmapBytes = Math.max(PAGE_BYTES, roundUp((bits + 7) / 8));
        return 2L * SUPERBLOCK_SLOT_BYTES + 2L * alSlotBytesFor(alExtents) + bitmapBytes;
    }

    private static void checkAlExtents(int alExtents) {
        if (alExtents < MIN_AL_EXTENTS || alExtents > MAX_AL_EXTENTS) {
            throw new IllegalArgumentException("al-extents " + alExtents + " out of range " + MIN_AL_EXTENTS + ".."
                + MAX_AL_EXTENTS);
        }
    }

    private static void checkSlot(int slot) {
        if (slot != 0 && slot != 1) {
            throw new IllegalArgumentException("slot " + slot + " is not 0 or 1");
        }
    }

    private static long roundUp(long bytes) {
        return (bytes + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
    }

    private static long roundDown(long bytes) {
        return bytes / PAGE_BYTES * PAGE_BYTES;
    }

    private static String describe(long mdOffset, long mdBytes, long alOffset, int alSlotBytes, long bitmapOffset,
                                   long bitmapBytes) {
        return "mdOffset=" + mdOffset + " mdBytes=" + mdBytes + " alOffset=" + alOffset + " alSlotBytes=" + alSlotBytes
            + " bitmapOffset=" + bitmapOffset + " bitmapBytes=" + bitmapBytes;
    }
}
