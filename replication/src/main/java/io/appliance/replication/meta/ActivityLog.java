package io.appliance.replication.meta;

import io.appliance.iscsi.block.BlockDevice;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activity log: the set of 4 MiB extents of the data area that may hold writes in flight
 * (DRBD's AL). A write may only start once its extents are active, and an extent only leaves the
 * durable log after the bitmap pages that cover it were flushed, so that after a crash the
 * on-disk bitmap together with the on-disk log covers every block written but not known to be
 * on the peer.
 *
 * <p>On disk: two slots of {@link MetadataLayout#alSlotBytes()} bytes, each holding one whole
 * transaction: magic "APLRAL01", u32 crc32c (over the slot with this field zero), u64
 * transaction number, u32 count, u32[count] extent numbers (big-endian), zeros. Transactions
 * alternate between the slots; the valid slot with the highest number wins.
 *
 * <p>Threads: {@link #tryBegin} and {@link #end} may be called from any thread, including event
 * loops: they take one short lock and never do I/O. {@link #begin} and {@link #writeEmpty} block
 * (I/O, and waiting for busy extents to go idle) and are meant for the metadata thread; they are
 * serialised among themselves.
 */
public final class ActivityLog {

    private static final Logger LOG = LoggerFactory.getLogger(ActivityLog.class);

    static final byte[] MAGIC = "APLRAL01".getBytes(StandardCharsets.US_ASCII);
    static final int CRC_OFFSET = 8;
    static final int TRANSACTION_OFFSET = 12;
    static final int COUNT_OFFSET = 20;
    static final int EXTENTS_OFFSET = 24;

    private static final int NONE = -1;
    private static final long FREE = -1;

    private final BlockDevice device;
    private final MetadataLayout layout;
    private final OutOfSyncBitmap bitmap;
    private final int capacity;

    /** Guards the in-memory state below; held only for short, I/O-free sections. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idleOrFree = lock.newCondition();
    private final ExtentIndex index;
    private final long[] slotExtent;
    private final int[] slotRefs;
    private final boolean[] slotEvicting;
    private final int[] idlePrev;
    private final int[] idleNext;
    private int idleHead = NONE;
    private int idleTail = NONE;
    private int idleCount;
    private final int[] freeSlots;
    private int freeCount;
    private long transactionsWritten;

    /** Serialises the slow path (begin, writeEmpty) and guards the durable state below. */
    private final ReentrantLock transactionLock = new ReentrantLock();
    private int newestSlot;
    private long transactionNumber;
    private final long[] recovered;
    private final boolean recoveredAll;
    private volatile boolean recoveryDurable;

    private ActivityLog(BlockDevice device, MetadataLayout layout, OutOfSyncBitmap bitmap, int newestSlot,
                        long transactionNumber, long[] recovered, boolean recoveredAll) {
        this.device = Objects.requireNonNull(device, "device");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.bitmap = Objects.requireNonNull(bitmap, "bitmap");
        this.capacity = layout.alExtents();
        this.index = new ExtentIndex(capacity);
        this.slotExtent = new long[capacity];
        this.slotRefs = new int[capacity];
        this.slotEvicting = new boolean[capacity];
        this.idlePrev = new int[capacity];
        this.idleNext = new int[capacity];
        this.freeSlots = new int[capacity];
        Arrays.fill(slotExtent, FREE);
        for (int slot = capacity - 1; slot >= 0; slot--) {
            freeSlots[freeCount++] = slot;
        }
        this.newestSlot = newestSlot;
        this.transactionNumber = transactionNumber;
        this.recovered = recovered;
        this.recoveredAll = recoveredAll;
        this.recoveryDurable = recovered.length == 0 && !recoveredAll;
    }

    /** Writes an empty log to both slots (create-md). */
    static ActivityLog createEmpty(BlockDevice device, MetadataLayout layout, OutOfSyncBitmap bitmap)
            throws MetadataException {
        MetaIo.write(device, layout.alSlotOffset(1), encode(layout, 0, new long[0]), true, "activity log slot 1");
        MetaIo.write(device, layout.alSlotOffset(0), encode(layout, 1, new long[0]), true, "activity log slot 0");
        return new ActivityLog(device, layout, bitmap, 0, 1, new long[0], false);
    }

    /**
     * Reads the durable log. Its extents are what may have had writes in flight at the last stop;
     * when neither slot is valid every block counts as such (see {@link #applyToBitmap}).
     */
    static ActivityLog load(BlockDevice device, MetadataLayout layout, OutOfSyncBitmap bitmap)
            throws MetadataException {
        long[] best = null;
        long bestTransaction = -1;
        int bestSlot = 1;
        List<String> problems = new ArrayList<>(2);
        for (int slot = 0; slot < 2; slot++) {
            ByteBuffer image = MetaIo.read(device, layout.alSlotOffset(slot), layout.alSlotBytes(),
                "activity log slot " + slot);
            Decoded decoded = decode(layout, image);
            if (decoded.problem() != null) {
                problems.add("slot " + slot + ": " + decoded.problem());
            } else if (best == null || decoded.transaction() > bestTransaction) {
                best = decoded.extents();
                bestTransaction = decoded.transaction();
                bestSlot = slot;
            }
        }
        if (best == null) {
            LOG.warn("activity log unreadable ({}): every block will be marked out of sync", String.join("; ", problems));
            return new ActivityLog(device, layout, bitmap, 1, 0, new long[0], true);
        }
        return new ActivityLog(device, layout, bitmap, bestSlot, bestTransaction, best, false);
    }

    /** Maximum number of active extents (al-extents). */
    public int capacity() {
        return capacity;
    }

    /** The extents currently active in memory (being evicted ones excluded), ascending. */
    public Set<Long> activeExtents() {
        SortedSet<Long> active = new TreeSet<>();
        lock.lock();
        try {
            for (int slot = 0; slot < capacity; slot++) {
                if (slotExtent[slot] != FREE && !slotEvicting[slot]) {
                    active.add(slotExtent[slot]);
                }
            }
        } finally {
            lock.unlock();
        }
        return Collections.unmodifiableSortedSet(active);
    }

    /** The extents of the durable log found when the metadata was opened (writes possibly in flight at the last stop). */
    public Set<Long> recoveredExtents() {
        SortedSet<Long> set = new TreeSet<>();
        for (long extent : recovered) {
            set.add(extent);
        }
        return Collections.unmodifiableSortedSet(set);
    }

    /** Number of AL transactions written since the metadata was opened. */
    public long transactions() {
        lock.lock();
        try {
            return transactionsWritten;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fast path: if every extent of the range is active, takes a reference on each and returns
     * true; otherwise takes nothing and returns false (the caller then uses {@link #begin}).
     * Never blocks on I/O.
     */
    public boolean tryBegin(long offset, long length) {
        checkRange(offset, length);
        if (length == 0) {
            return true;
        }
        long first = offset / MetadataLayout.EXTENT_BYTES;
        long last = (offset + length - 1) / MetadataLayout.EXTENT_BYTES;
        if (last - first >= capacity) {
            return false;
        }
        lock.lock();
        try {
            for (long extent = first; extent <= last; extent++) {
                int slot = index.get(extent);
                if (slot < 0 || slotEvicting[slot]) {
                    return false;
                }
            }
            for (long extent = first; extent <= last; extent++) {
                acquire(index.get(extent));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Slow path: makes the range's extents active and holds a reference on each on return.
     * Missing extents replace the least recently used idle ones (whose bitmap pages are flushed
     * first) and the new active set is written as one durable transaction. Blocks while the log
     * is full of busy extents.
     *
     * @throws IllegalArgumentException when the range spans more extents than the log holds
     * @throws MetadataException        IO when a bitmap flush or the transaction write failed
     *                                  (nothing is held then)
     * @throws InterruptedIOException   when interrupted while waiting for an idle extent
     */
    public void begin(long offset, long length) throws MetadataException, InterruptedIOException {
        checkRange(offset, length);
        if (length == 0) {
            return;
        }
        long first = offset / MetadataLayout.EXTENT_BYTES;
        long last = (offset + length - 1) / MetadataLayout.EXTENT_BYTES;
        if (last - first >= capacity) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " spans " + (last - first + 1)
                + " extents, more than the activity log's " + capacity);
        }
        transactionLock.lock();
        try {
            makeRecoveryDurable();
            List<Long> missing = new ArrayList<>();
            List<Integer> held = new ArrayList<>();
            int[] victims;
            long[] nextActive;
            lock.lock();
            try {
                for (long extent = first; extent <= last; extent++) {
                    int slot = index.get(extent);
                    if (slot < 0) {
                        missing.add(extent);
                    } else {
                        acquire(slot);
                        held.add(slot);
                    }
                }
                if (missing.isEmpty()) {
                    return;
                }
                try {
                    while (freeCount + idleCount < missing.size()) {
                        idleOrFree.await();
                    }
                } catch (InterruptedException e) {
                    held.forEach(this::release);
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for an idle activity-log extent");
                }
                victims = markVictims(Math.max(0, missing.size() - freeCount));
                nextActive = activeSetAfter(victims, missing);
            } finally {
                lock.unlock();
            }
            try {
                flushVictims(victims);
                writeTransaction(nextActive);
            } catch (MetadataException | RuntimeException e) {
                lock.lock();
                try {
                    unmarkVictims(victims);
                    held.forEach(this::release);
                } finally {
                    lock.unlock();
                }
                throw e;
            }
            lock.lock();
            try {
                dropVictims(victims);
                for (long extent : missing) {
                    int slot = freeSlots[--freeCount];
                    slotExtent[slot] = extent;
                    slotRefs[slot] = 1;
                    index.put(extent, slot);
                }
            } finally {
                lock.unlock();
            }
        } finally {
            transactionLock.unlock();
        }
    }

    /**
     * Drops the references {@link #tryBegin} or {@link #begin} took on the range's extents.
     *
     * @throws IllegalStateException when an extent of the range holds no reference
     */
    public void end(long offset, long length) {
        checkRange(offset, length);
        if (length == 0) {
            return;
        }
        long first = offset / MetadataLayout.EXTENT_BYTES;
        long last = (offset + length - 1) / MetadataLayout.EXTENT_BYTES;
        lock.lock();
        try {
            for (long extent = first; extent <= last; extent++) {
                int slot = index.get(extent);
                if (slot < 0 || slotRefs[slot] == 0) {
                    throw new IllegalStateException("activity-log extent " + extent + " ended without a begin");
                }
            }
            for (long extent = first; extent <= last; extent++) {
                release(index.get(extent));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks in {@code target} every block of the extents of the durable log found at open (all
     * blocks if that log was unreadable): after an unclean stop they may differ from the peer.
     * Idempotent. The first {@link #begin} or {@link #writeEmpty} does this for the store's own
     * bitmap (and flushes it) if the caller has not, before the recovered extents leave the log.
     */
    public void applyToBitmap(OutOfSyncBitmap target) {
        Objects.requireNonNull(target, "target");
        if (recoveredAll) {
            target.setAll();
            return;
        }
        for (long extent : recovered) {
            long start = extent * MetadataLayout.EXTENT_BYTES;
            target.setRange(start, Math.min(MetadataLayout.EXTENT_BYTES, layout.dataBytes() - start));
        }
    }

    /**
     * Clean shutdown: flushes the bitmap and writes an empty transaction, so the next open finds
     * nothing in flight. The log stays usable.
     *
     * @throws IllegalStateException when an extent still holds a reference
     */
    public void writeEmpty() throws MetadataException {
        transactionLock.lock();
        try {
            makeRecoveryDurable();
            int[] victims;
            lock.lock();
            try {
                int busy = capacity - freeCount - idleCount;
                if (busy > 0) {
                    throw new IllegalStateException(busy + " activity-log extents still have writes in flight");
                }
                victims = markVictims(idleCount);
            } finally {
                lock.unlock();
            }
            try {
                bitmap.flush();
                writeTransaction(new long[0]);
            } catch (MetadataException | RuntimeException e) {
                lock.lock();
                try {
                    unmarkVictims(victims);
                } finally {
                    lock.unlock();
                }
                throw e;
            }
            lock.lock();
            try {
                dropVictims(victims);
            } finally {
                lock.unlock();
            }
        } finally {
            transactionLock.unlock();
        }
    }

    private void makeRecoveryDurable() throws MetadataException {
        if (!recoveryDurable) {
            applyToBitmap(bitmap);
            bitmap.flush();
            recoveryDurable = true;
        }
    }

    private void acquire(int slot) {
        if (slotRefs[slot]++ == 0) {
            unlinkIdle(slot);
        }
    }

    private void release(int slot) {
        if (--slotRefs[slot] == 0) {
            linkIdle(slot, idleTail, NONE);
            idleOrFree.signalAll();
        }
    }

    /** Takes the {@code count} least recently used idle slots out of the idle list and of the fast path. */
    private int[] markVictims(int count) {
        int[] victims = new int[count];
        for (int i = 0; i < count; i++) {
            int slot = idleHead;
            unlinkIdle(slot);
            slotEvicting[slot] = true;
            victims[i] = slot;
        }
        return victims;
    }

    private void unmarkVictims(int[] victims) {
        for (int i = victims.length - 1; i >= 0; i--) {
            int slot = victims[i];
            slotEvicting[slot] = false;
            linkIdle(slot, NONE, idleHead);
        }
        if (victims.length > 0) {
            idleOrFree.signalAll();
        }
    }

    private void dropVictims(int[] victims) {
        for (int slot : victims) {
            index.remove(slotExtent[slot]);
            slotExtent[slot] = FREE;
            slotEvicting[slot] = false;
            freeSlots[freeCount++] = slot;
        }
    }

    private long[] activeSetAfter(int[] victims, List<Long> added) {
        long[] next = new long[capacity - freeCount - victims.length + added.size()];
        int n = 0;
        for (int slot = 0; slot < capacity; slot++) {
            if (slotExtent[slot] != FREE && !slotEvicting[slot]) {
                next[n++] = slotExtent[slot];
            }
        }
        for (long extent : added) {
            next[n++] = extent;
        }
        Arrays.sort(next);
        return next;
    }

    private void flushVictims(int[] victims) throws MetadataException {
        for (int slot : victims) {
            long start = slotExtent[slot] * MetadataLayout.EXTENT_BYTES;
            bitmap.flushRange(start, Math.min(MetadataLayout.EXTENT_BYTES, layout.dataBytes() - start));
        }
    }

    /** Writes {@code extents} as the next transaction into the slot not holding the newest one. Holds transactionLock. */
    private void writeTransaction(long[] extents) throws MetadataException {
        long number = transactionNumber + 1;
        int slot = 1 - newestSlot;
        MetaIo.write(device, layout.alSlotOffset(slot), encode(layout, number, extents), true,
            "activity log transaction " + number);
        newestSlot = slot;
        transactionNumber = number;
        lock.lock();
        try {
            transactionsWritten++;
        } finally {
            lock.unlock();
        }
    }

    /** Links {@code slot} into the idle list between {@code prev} and {@code next} ({@link #NONE} at an end). */
    private void linkIdle(int slot, int prev, int next) {
        joinIdle(prev, slot);
        joinIdle(slot, next);
        idleCount++;
    }

    private void unlinkIdle(int slot) {
        joinIdle(idlePrev[slot], idleNext[slot]);
        idleCount--;
    }

    /** Makes {@code left} and {@code right} neighbours in the idle list ({@link #NONE} for the list's ends). */
    private void joinIdle(int left, int right) {
        if (left == NONE) {
            idleHead = right;
        } else {
            idleNext[left] = right;
        }
        if (right == NONE) {
            idleTail = left;
        } else {
            idlePrev[right] = left;
        }
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > layout.dataBytes() - length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside the data area of "
                + layout.dataBytes() + " bytes");
        }
    }

    static ByteBuffer encode(MetadataLayout layout, long transaction, long[] extents) {
        if (extents.length > layout.alExtents()) {
            throw new IllegalArgumentException(extents.length + " extents exceed the capacity " + layout.alExtents());
        }
        ByteBuffer slot = ByteBuffer.allocate(layout.alSlotBytes());
        slot.put(MAGIC).putInt(0).putLong(transaction).putInt(extents.length);
        for (long extent : extents) {
            slot.putInt((int) extent);
        }
        slot.putInt(CRC_OFFSET, crc(slot, layout.alSlotBytes()));
        slot.clear();
        return slot;
    }

    /** A decoded slot: either a problem, or a transaction number and its extents. */
    record Decoded(String problem, long transaction, long[] extents) {
    }

    static Decoded decode(MetadataLayout layout, ByteBuffer source) {
        ByteBuffer slot = source.slice(source.position(), layout.alSlotBytes());
        for (int i = 0; i < MAGIC.length; i++) {
            if (slot.get(i) != MAGIC[i]) {
                return new Decoded("no magic", -1, null);
            }
        }
        int stored = slot.getInt(CRC_OFFSET);
        int computed = crc(slot, layout.alSlotBytes());
        if (stored != computed) {
            return new Decoded(String.format("checksum mismatch (stored %08x, computed %08x)", stored, computed), -1,
                null);
        }
        long transaction = slot.getLong(TRANSACTION_OFFSET);
        int count = slot.getInt(COUNT_OFFSET);
        if (count < 0 || count > layout.alExtents()) {
            return new Decoded("count " + count + " out of range 0.." + layout.alExtents(), -1, null);
        }
        long[] extents = new long[count];
        for (int i = 0; i < count; i++) {
            long extent = Integer.toUnsignedLong(slot.getInt(EXTENTS_OFFSET + 4 * i));
            if (extent >= layout.extentCount()) {
                return new Decoded("extent " + extent + " beyond the data area's " + layout.extentCount(), -1, null);
            }
            extents[i] = extent;
        }
        return new Decoded(null, transaction, extents);
    }

    private static int crc(ByteBuffer slot, int slotBytes) {
        CRC32C crc = new CRC32C();
        crc.update(slot.duplicate().position(0).limit(CRC_OFFSET));
        crc.update(new byte[4]);
        crc.update(slot.duplicate().position(CRC_OFFSET + 4).limit(slotBytes));
        return (int) crc.getValue();
    }
}
