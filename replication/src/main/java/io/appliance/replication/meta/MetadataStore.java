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
 */
public final class MetadataStore implements Closeable {

    private final BlockDevice device;
    private final MetadataLayout layout;
    private final OutOfSyncBitmap bitmap;
    private final ActivityLog activityLog;

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
        if (!magicSeen) {
            throw new MetadataException(MetadataException.Reason.NO_METADATA, "no metadata on " + metaDevice
                + " at offset " + layout.mdOffset() + " (create-md first)");
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
        return false;
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
