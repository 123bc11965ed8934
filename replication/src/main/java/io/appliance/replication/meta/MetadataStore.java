package io.appliance.replication.meta;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.replication.meta.SuperblockCodec.SlotContent;
import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.MetadataFlags;
import java.io.Closeable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One node's metadata area of a resource: the superblock (two slots, written alternately), the
 * activity log and the out-of-sync bitmap, laid out by a {@link MetadataLayout}.
 *
 * <p>Every method blocks on the device's futures: call them from a metadata thread, never from
 * an event loop (except the bitmap's and the activity log's fast paths, which do no I/O).
 * Durable writes use forceUnitAccess. The store never closes the device.
 *
 * <p>Crash safety: a superblock write goes to the slot that does not hold the newest valid
 * copy, so a torn write leaves the previous superblock readable; create-md wipes both slots
 * first and writes the new superblock last, so a crash during create-md leaves NO_METADATA.
 *
 * <p><b>Growing internal metadata</b> ({@link #grow}) moves the area from the end of the old
 * backing size to the end of the new one. {@link #open} is always given the layout of the
 * <em>current</em> backing size and finds the live area by this rule: a valid superblock in that
 * layout's slots wins; otherwise a valid {@link MetadataLocator} there (whose host data size is
 * that layout's) names the old backing size, and the layout of that size is opened (its slots must
 * then hold a valid superblock of their own data size). The grow writes, each durably and in
 * this order: (1) a locator naming the old area into new slot 0, (2) into new slot 1, (3) the new
 * bitmap (old bits, plus every bit of the added blocks), (4) an empty activity log, (5) the new
 * superblock (new data size, sequence + 1) into new slot 0 = the commit, (6) its copy (sequence
 * + 2) into new slot 1, (7) zeros over the old superblock slots. Proof that a crash at any point
 * (a lost or torn write included) reopens the old or the new metadata, never a mix, never garbage:
 * <ul>
 *   <li>The new area does not overlap the old one (checked before step 1), so steps 1 to 6 leave
 *       the old area exactly as it was (its bitmap was flushed first, its activity log and
 *       superblock are untouched).</li>
 *   <li>Before step 5 is durable, no new slot holds a valid superblock: the slots held no
 *       superblock of this data size before the grow (else open would already have found it; the
 *       grow refuses to start then), and steps 1, 2 only put locators or torn locators there. So
 *       open falls back to a locator when one is durable, i.e. to the intact old area; while
 *       step 1 is not durable there is no locator either and open at the new size answers
 *       NO_METADATA or CORRUPT: exactly the state between the admin's grow of the backing
 *       and the resize, where only the old size finds the metadata (see the engine's resize).</li>
 *   <li>Once step 5 is durable, new slot 0 holds a valid superblock of the new data size, which
 *       wins over the locator in slot 1; steps 3 and 4 were durable before it, so the bitmap and
 *       activity log it describes are complete. A torn step 5 leaves slot 0 invalid and slot 1 a
 *       locator: the old area, still intact. Step 6 replaces the locator by a newer copy; torn,
 *       slot 0 still wins. Step 7 touches only the old area, which nothing consults any more.</li>
 *   <li>The activity log may start empty because the grow runs with no application write in
 *       flight (the caller's contract) and flushes the device first: no block depends on it.</li>
 * </ul>
 */
public final class MetadataStore implements Closeable {

    private volatile BlockDevice device;
    private volatile MetadataLayout layout;
    private volatile OutOfSyncBitmap bitmap;
    private volatile ActivityLog activityLog;

    private final Object superblockLock = new Object();
    private Superblock superblock;
    private int newestSlot;
    private boolean closed;

    private MetadataStore(BlockDevice device, MetadataLayout layout, OutOfSyncBitmap bitmap, ActivityLog activityLog,
                          Superblock superblock, int newestSlot) {
        this.device = device;
        this.layout = layout;
        this.bitmap = bitmap;
        this.activityLog = activityLog;
        this.superblock = superblock;
        this.newestSlot = newestSlot;
    }

    /**
     * create-md: a fresh superblock (generation ids just created, every flag false, i.e.
     * Inconsistent), an empty activity log and a bitmap with every bit set (a new disk is entirely
     * out of sync until an initial sync or a skip-initial-sync).
     *
     * @throws MetadataException EXISTS when either superblock slot carries the magic and
     *                           {@code overwrite} is false; TOO_SMALL when the device cannot hold the area; IO
     */
    public static MetadataStore create(BlockDevice metaDevice, MetadataLayout layout, long deviceUuid,
                                       boolean overwrite) throws MetadataException {
        Objects.requireNonNull(metaDevice, "metaDevice");
        Objects.requireNonNull(layout, "layout");
        checkFits(metaDevice, layout);
        if (!overwrite && exists(metaDevice, layout)) {
            throw new MetadataException(MetadataException.Reason.EXISTS, "metadata already exists on " + metaDevice
                + " at offset " + layout.mdOffset() + "; overwrite it only if this node's data is to be discarded");
        }
        MetaIo.write(metaDevice, layout.superblockOffset(0), ByteBuffer.allocate(2 * MetadataLayout.SUPERBLOCK_SLOT_BYTES),
            true, "superblock slots (wipe)");
        OutOfSyncBitmap bitmap = OutOfSyncBitmap.createAllSet(metaDevice, layout);
        ActivityLog activityLog = ActivityLog.createEmpty(metaDevice, layout, bitmap);
        Superblock fresh = new Superblock(1, deviceUuid, GenerationIds.justCreated(), MetadataFlags.none(),
            layout.alExtents(), layout.dataBytes(), 0, 0, 0);
        MetaIo.write(metaDevice, layout.superblockOffset(0), SuperblockCodec.encode(fresh), true, "superblock slot 0");
        return new MetadataStore(metaDevice, layout, bitmap, activityLog, fresh, 0);
    }

    /**
     * Reads the newest valid superblock, the bitmap and the activity log.
     *
     * @throws MetadataException NO_METADATA when neither slot carries the magic; CORRUPT when no
     *                           slot is valid; GEOMETRY_MISMATCH when the metadata was made for
     *                           another al-extents or data size (the message names both values);
     *                           TOO_SMALL when the device cannot hold the area; IO
     */
    public static MetadataStore open(BlockDevice metaDevice, MetadataLayout layout) throws MetadataException {
        return open(metaDevice, layout, true);
    }

    private static MetadataStore open(BlockDevice metaDevice, MetadataLayout layout, boolean followLocator)
            throws MetadataException {
        Objects.requireNonNull(metaDevice, "metaDevice");
        Objects.requireNonNull(layout, "layout");
        checkFits(metaDevice, layout);
        ByteBuffer slots = readSlots(metaDevice, layout);
        Superblock newest = null;
        int newestSlot = -1;
        boolean magicSeen = false;
        List<String> problems = new ArrayList<>(2);
        for (int slot = 0; slot < 2; slot++) {
            SlotContent content = SuperblockCodec.decode(slots.position(slot * MetadataLayout.SUPERBLOCK_SLOT_BYTES));
            if (content instanceof SlotContent.Valid valid) {
                magicSeen = true;
                if (newest == null || Long.compareUnsigned(valid.superblock().sequence(), newest.sequence()) > 0) {
                    newest = valid.superblock();
                    newestSlot = slot;
                }
            } else if (content instanceof SlotContent.Invalid invalid) {
                magicSeen = true;
                problems.add("slot " + slot + ": " + invalid.why());
            } else {
                problems.add("slot " + slot + ": no magic");
            }
        }
        if (newest == null && followLocator && layout.internal()) {
            Optional<MetadataLocator> locator = locator(slots, layout);
            if (locator.isPresent()) {
                MetadataLayout live = MetadataLayout.internal(locator.get().liveBackingBytes(), layout.alExtents());
                return open(metaDevice, live, false);
            }
        }
        if (!magicSeen) {
            throw new MetadataException(MetadataException.Reason.NO_METADATA, "no metadata on " + metaDevice
                + " at offset " + layout.mdOffset() + " (create-md first; if the backing volume was grown while the"
                + " resource was down, its metadata is still at the end of the old size: shrink it back, up, grow it"
                + " again and run resize)");
        }
        if (newest == null) {
            throw new MetadataException(MetadataException.Reason.CORRUPT, "metadata on " + metaDevice + " at offset "
                + layout.mdOffset() + " is corrupt: " + String.join("; ", problems));
        }
        if (newest.alExtents() != layout.alExtents()) {
            throw new MetadataException(MetadataException.Reason.GEOMETRY_MISMATCH, "metadata on " + metaDevice
                + " was created with al-extents " + newest.alExtents() + " but the configuration has "
                + layout.alExtents());
        }
        if (newest.dataBytes() != layout.dataBytes()) {
            throw new MetadataException(MetadataException.Reason.GEOMETRY_MISMATCH, "metadata on " + metaDevice
                + " was created for " + newest.dataBytes() + " data bytes but the device now gives "
                + layout.dataBytes());
        }
        OutOfSyncBitmap bitmap = OutOfSyncBitmap.load(metaDevice, layout);
        ActivityLog activityLog = ActivityLog.load(metaDevice, layout, bitmap);
        return new MetadataStore(metaDevice, layout, bitmap, activityLog, newest, newestSlot);
    }

    /** True when either superblock slot carries the magic (valid or not): create-md would overwrite something. */
    public static boolean exists(BlockDevice metaDevice, MetadataLayout layout) throws MetadataException {
        checkFits(metaDevice, layout);
        ByteBuffer slots = readSlots(metaDevice, layout);
        for (int slot = 0; slot < 2; slot++) {
            SlotContent content = SuperblockCodec.decode(slots.position(slot * MetadataLayout.SUPERBLOCK_SLOT_BYTES));
            if (!(content instanceof SlotContent.NoMagic)) {
                return true;
            }
        }
        return locator(slots, layout).isPresent();
    }

    /** A valid locator in either slot that was written for this layout's data size. */
    private static Optional<MetadataLocator> locator(ByteBuffer slots, MetadataLayout layout) {
        for (int slot = 0; slot < 2; slot++) {
            Optional<MetadataLocator> found = MetadataLocator.decode(
                slots.position(slot * MetadataLayout.SUPERBLOCK_SLOT_BYTES));
            if (found.isPresent() && found.get().hostDataBytes() == layout.dataBytes()
                    && found.get().liveBackingBytes() < layout.mdOffset() + layout.mdBytes()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * Moves internal metadata to the end of a grown backing device, crash-safely (see the class
     * comment for the order of writes and its proof), and switches this store to it: the bitmap
     * gains the added blocks, all marked out of sync (the peer's copy of them is unknown), the
     * superblock gets the new data size (lastAgreedBytes is left to the caller), the activity log
     * starts empty. The old bitmap object forwards later changes and flushes to the new one.
     *
     * <p>Contract: no application write is in flight and none starts before this returns (the
     * activity log is replaced); call it from the metadata thread.
     *
     * @param grown the internal layout of the grown backing device (same al-extents)
     * @throws IllegalArgumentException when the metadata is external, al-extents differ or the
     *                                  data area would not grow
     * @throws MetadataException        TOO_SMALL when the new area would overlap the old one (the
     *                                  message names the smallest backing size that works) or the
     *                                  device is smaller than the layout; IO, after which the store is
     *                                  closed if the commit write's outcome is unknown
     */
    public void grow(MetadataLayout grown) throws MetadataException {
        grow(device, grown);
    }

    /**
     * {@link #grow(MetadataLayout)} through another handle of the same storage (a reopened backing
     * device that reports the grown size); the store uses that handle from then on. Does not close
     * either handle.
     */
    public void grow(BlockDevice grownDevice, MetadataLayout grown) throws MetadataException {
        Objects.requireNonNull(grownDevice, "grownDevice");
        Objects.requireNonNull(grown, "grown");
        synchronized (superblockLock) {
            if (closed) {
                throw new IllegalStateException("metadata store is closed");
            }
            MetadataLayout old = layout;
            if (!old.internal() || !grown.internal()) {
                throw new IllegalArgumentException("only internal metadata moves on a grow");
            }
            if (grown.alExtents() != old.alExtents() || grown.dataBytes() <= old.dataBytes()) {
                throw new IllegalArgumentException("layout " + grown + " does not grow " + old);
            }
            long oldEnd = old.mdOffset() + old.mdBytes();
            if (grown.mdOffset() < oldEnd) {
                throw new MetadataException(MetadataException.Reason.TOO_SMALL, "the backing device must grow by at"
                    + " least the size of the new metadata area (" + grown.mdBytes() + " bytes) so that the old and"
                    + " the new area do not overlap: now " + (grown.mdOffset() + grown.mdBytes()) + " bytes, at least "
                    + (oldEnd + grown.mdBytes()) + " needed");
            }
            checkFits(grownDevice, grown);
            bitmap.flush();
            BlockDevice device = grownDevice;
            ByteBuffer newSlots = readSlots(device, grown);
            for (int slot = 0; slot < 2; slot++) {
                if (SuperblockCodec.decode(newSlots.position(slot * MetadataLayout.SUPERBLOCK_SLOT_BYTES))
                        instanceof SlotContent.Valid) {
                    throw new MetadataException(MetadataException.Reason.EXISTS, "a valid superblock already lies"
                        + " at the end of the grown device (offset " + grown.mdOffset() + "); refusing to move over it");
                }
            }
            MetaIo.flush(device, "data before the metadata move");
            ByteBuffer locator = new MetadataLocator(oldEnd, grown.dataBytes()).encode();
            MetaIo.write(device, grown.superblockOffset(0), locator.duplicate(), true, "locator in new slot 0");
            MetaIo.write(device, grown.superblockOffset(1), locator.duplicate(), true, "locator in new slot 1");
            OutOfSyncBitmap grownBitmap = OutOfSyncBitmap.grownFrom(device, grown, bitmap);
            ActivityLog grownLog = ActivityLog.createEmpty(device, grown, grownBitmap);
            Superblock committed = superblock.withDataBytes(grown.dataBytes()).withSequence(superblock.sequence() + 1);
            try {
                MetaIo.write(device, grown.superblockOffset(0), SuperblockCodec.encode(committed), true,
                    "new superblock slot 0 (commit of the move)");
            } catch (MetadataException e) {
                closed = true;
                throw e;
            }
            OutOfSyncBitmap retired = bitmap;
            this.device = grownDevice;
            layout = grown;
            activityLog = grownLog;
            bitmap = grownBitmap;
            superblock = committed;
            newestSlot = 0;
            retired.retireInto(grownBitmap);
            Superblock copy = committed.withSequence(committed.sequence() + 1);
            MetaIo.write(device, grown.superblockOffset(1), SuperblockCodec.encode(copy), true,
                "new superblock slot 1");
            superblock = copy;
            newestSlot = 1;
            grownBitmap.flush();
            MetaIo.write(device, old.superblockOffset(0), ByteBuffer.allocate(2 * MetadataLayout.SUPERBLOCK_SLOT_BYTES),
                true, "old superblock slots (wipe)");
        }
    }

    public MetadataLayout layout() {
        return layout;
    }

    /** The newest durable superblock. */
    public Superblock superblock() {
        synchronized (superblockLock) {
            return superblock;
        }
    }

    /**
     * Writes {@code next} durably into the slot not holding the newest copy; its sequence is
     * replaced by the current one plus 1. Returns once durable.
     *
     * @throws IllegalArgumentException when {@code next} changes alExtents or dataBytes (the geometry is the layout's)
     * @throws IllegalStateException    after {@link #close()}
     */
    public void writeSuperblock(Superblock next) throws MetadataException {
        Objects.requireNonNull(next, "next");
        if (next.alExtents() != layout.alExtents() || next.dataBytes() != layout.dataBytes()) {
            throw new IllegalArgumentException("superblock geometry (al-extents " + next.alExtents() + ", data bytes "
                + next.dataBytes() + ") differs from the layout's (" + layout.alExtents() + ", " + layout.dataBytes()
                + ")");
        }
        synchronized (superblockLock) {
            if (closed) {
                throw new IllegalStateException("metadata store is closed");
            }
            Superblock sequenced = next.withSequence(superblock.sequence() + 1);
            int slot = 1 - newestSlot;
            MetaIo.write(device, layout.superblockOffset(slot), SuperblockCodec.encode(sequenced), true,
                "superblock slot " + slot);
            superblock = sequenced;
            newestSlot = slot;
        }
    }

    public OutOfSyncBitmap bitmap() {
        return bitmap;
    }

    public ActivityLog activityLog() {
        return activityLog;
    }

    /**
     * Flushes the bitmap; does not close the device. Idempotent.
     *
     * @throws UncheckedIOException wrapping the {@link MetadataException} when the flush failed
     *                              (the metadata on disk then misses bits set in memory)
     */
    @Override
    public void close() {
        synchronized (superblockLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            bitmap.flush();
        } catch (MetadataException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer readSlots(BlockDevice device, MetadataLayout layout) throws MetadataException {
        return MetaIo.read(device, layout.superblockOffset(0), 2 * MetadataLayout.SUPERBLOCK_SLOT_BYTES,
            "superblock slots");
    }

    private static void checkFits(BlockDevice device, MetadataLayout layout) throws MetadataException {
        long end = layout.mdOffset() + layout.mdBytes();
        if (device.size() < end) {
            throw new MetadataException(MetadataException.Reason.TOO_SMALL, "device " + device + " of " + device.size()
                + " bytes cannot hold the metadata area ending at " + end + " bytes");
        }
    }
}
