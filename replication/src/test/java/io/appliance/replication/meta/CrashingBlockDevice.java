package io.appliance.replication.meta;

import io.appliance.iscsi.block.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory, sparse {@link BlockDevice} that models durability and can "crash".
 *
 * <p>A write with forceUnitAccess lands in the durable image at once; other writes are pending
 * until a {@link #flush()}, and a crash drops them. {@link #crashAfterWrites(int)} lets the next
 * N writes land and fails every later request (the process is dead); {@link #tearWrite(int, int)}
 * lets N-1 writes land, keeps only the first K bytes of write N in the durable image, and fails
 * it and everything after. {@link #durableImage()} is what a restarted node would find.
 * Completes futures on the caller's thread. Every write is recorded.
 */
final class CrashingBlockDevice implements BlockDevice {

    static final int PAGE = 4096;

    /** One recorded write. */
    record Write(long offset, int length, boolean forceUnitAccess) {
    }

    private long size;
    private final Map<Long, byte[]> durable;
    private final Map<Long, byte[]> pending = new HashMap<>();
    private final List<Write> writes = new ArrayList<>();
    private int writesLeft = Integer.MAX_VALUE;
    private int tearBytes = -1;
    private boolean crashed;
    private int failNextWrites;
    private boolean failReads;

    CrashingBlockDevice(long size) {
        this(size, new HashMap<>());
    }

    private CrashingBlockDevice(long size, Map<Long, byte[]> durable) {
        this.size = size;
        this.durable = durable;
    }

    /** The backing grows (an admin's lvextend): the added bytes read as zeros. */
    synchronized void growTo(long newSize) {
        if (newSize < size) {
            throw new IllegalArgumentException("a device does not shrink");
        }
        size = newSize;
    }

    /** The next {@code count} writes land; the one after and every later request fail. */
    synchronized void crashAfterWrites(int count) {
        writesLeft = count;
        tearBytes = -1;
    }

    /** Writes before the {@code index}-th next one land; that one keeps only its first {@code keptBytes}; then dead. */
    synchronized void tearWrite(int index, int keptBytes) {
        writesLeft = index - 1;
        tearBytes = keptBytes;
    }

    /** The next {@code count} writes fail with an I/O error without landing; the device stays alive. */
    synchronized void failNextWrites(int count) {
        failNextWrites = count;
    }

    synchronized void failReads(boolean fail) {
        failReads = fail;
    }

    synchronized boolean crashed() {
        return crashed;
    }

    synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    synchronized int writeCount() {
        return writes.size();
    }

    /** A new device holding only what was durable (pending writes dropped). */
    synchronized CrashingBlockDevice durableImage() {
        Map<Long, byte[]> copy = new HashMap<>();
        durable.forEach((page, bytes) -> copy.put(page, bytes.clone()));
        return new CrashingBlockDevice(size, copy);
    }

    /** Overwrites bytes in the durable image directly (corruption behind the store's back). */
    synchronized void poke(long offset, byte[] bytes) {
        apply(durable, offset, ByteBuffer.wrap(bytes), bytes.length);
        pending.clear();
    }

    synchronized byte[] peek(long offset, int length) {
        ByteBuffer dst = ByteBuffer.allocate(length);
        readInto(offset, dst);
        return dst.array();
    }

    @Override
    public synchronized long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return PAGE;
    }

    @Override
    public synchronized CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        if (crashed || failReads) {
            return CompletableFuture.failedFuture(new IOException(crashed ? "simulated crash" : "simulated read error"));
        }
        if (!fits(offset, dst.remaining())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("read beyond the device"));
        }
        readInto(offset, dst);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
        if (crashed) {
            return CompletableFuture.failedFuture(new IOException("simulated crash"));
        }
        int length = src.remaining();
        if (!fits(offset, length)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("write beyond the device"));
        }
        if (failNextWrites > 0) {
            failNextWrites--;
            return CompletableFuture.failedFuture(new IOException("simulated write error"));
        }
        writes.add(new Write(offset, length, forceUnitAccess));
        if (writesLeft == 0) {
            crashed = true;
            if (tearBytes >= 0) {
                apply(durable, offset, src.duplicate(), Math.min(tearBytes, length));
            }
            pending.clear();
            return CompletableFuture.failedFuture(new IOException("simulated crash"));
        }
        writesLeft--;
        apply(forceUnitAccess ? durable : pending, offset, src.duplicate(), length);
        if (forceUnitAccess) {
            dropPendingOverlap(offset, length);
        }
        src.position(src.limit());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> flush() {
        if (crashed) {
            return CompletableFuture.failedFuture(new IOException("simulated crash"));
        }
        pending.forEach((page, bytes) -> durable.put(page, bytes));
        pending.clear();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean discardZeroes() {
        return false;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "crashing-device";
    }

    private boolean fits(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= size - length;
    }

    /** Copies bytes into pages of {@code target}; pending pages start from the durable content. */
    private void apply(Map<Long, byte[]> target, long offset, ByteBuffer src, int length) {
        for (int done = 0; done < length; ) {
            long position = offset + done;
            long page = position / PAGE;
            int within = (int) (position % PAGE);
            int chunk = Math.min(PAGE - within, length - done);
            byte[] bytes = target.get(page);
            if (bytes == null) {
                byte[] base = target == pending ? durable.get(page) : null;
                bytes = base == null ? new byte[PAGE] : base.clone();
                target.put(page, bytes);
            }
            src.get(bytes, within, chunk);
            done += chunk;
        }
    }

    private void dropPendingOverlap(long offset, int length) {
        for (long page = offset / PAGE; page <= (offset + length - 1) / PAGE; page++) {
            byte[] stale = pending.remove(page);
            if (stale != null) {
                // The pending page held other bytes too; they stay pending on top of the new durable content.
                byte[] merged = durable.get(page).clone();
                long pageStart = page * PAGE;
                for (int i = 0; i < PAGE; i++) {
                    long position = pageStart + i;
                    if (position < offset || position >= offset + length) {
                        merged[i] = stale[i];
                    }
                }
                pending.put(page, merged);
            }
        }
    }

    private void readInto(long offset, ByteBuffer dst) {
        int length = dst.remaining();
        for (int done = 0; done < length; ) {
            long position = offset + done;
            long page = position / PAGE;
            int within = (int) (position % PAGE);
            int chunk = Math.min(PAGE - within, length - done);
            byte[] bytes = pending.get(page);
            if (bytes == null) {
                bytes = durable.get(page);
            }
            if (bytes == null) {
                dst.put(new byte[chunk]);
            } else {
                dst.put(bytes, within, chunk);
            }
            done += chunk;
        }
    }
}
