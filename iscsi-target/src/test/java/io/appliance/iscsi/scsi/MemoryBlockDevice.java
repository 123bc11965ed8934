package io.appliance.iscsi.scsi;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.block.BlockDeviceNotReadyException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link BlockDevice} for tests: completes on the caller's thread unless held by a
 * gate, and can be told to fail reads or writes with an {@link IOException}.
 */
class MemoryBlockDevice implements BlockDevice {

    private final int blockSize;
    private volatile byte[] data;
    private volatile boolean failReads;
    private volatile boolean failWrites;
    private volatile boolean notReady;
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private final AtomicInteger failNextWrites = new AtomicInteger();
    final AtomicInteger forcedWrites = new AtomicInteger();
    final AtomicInteger flushes = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    volatile boolean closed;

    MemoryBlockDevice(long blocks, int blockSize) {
        this.blockSize = blockSize;
        this.data = new byte[Math.toIntExact(blocks * blockSize)];
    }

    void failReads(boolean fail) {
        this.failReads = fail;
    }

    void failWrites(boolean fail) {
        this.failWrites = fail;
    }

    /** The next {@code count} writes fail, later ones succeed (a transient medium error). */
    void failNextWrites(int count) {
        failNextWrites.set(count);
    }

    /** Reads and writes fail with {@link BlockDeviceNotReadyException}, as on a Secondary replicated disk. */
    void notReady(boolean standby) {
        this.notReady = standby;
    }

    /** Requests issued from now on complete only when {@code gate} completes. */
    void holdUntil(CompletableFuture<Void> gate) {
        this.gate = gate;
    }

    void resize(long blocks) {
        byte[] resized = new byte[Math.toIntExact(blocks * blockSize)];
        System.arraycopy(data, 0, resized, 0, Math.min(data.length, resized.length));
        data = resized;
    }

    byte[] contents() {
        return data;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        reads.incrementAndGet();
        return gate.thenCompose(open -> {
            if (!fits(offset, dst.remaining())) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("out of range"));
            }
            if (notReady) {
                return CompletableFuture.failedFuture(new BlockDeviceNotReadyException("secondary"));
            }
            if (failReads) {
                return CompletableFuture.failedFuture(new IOException("injected read failure"));
            }
            dst.put(data, (int) offset, dst.remaining());
            return CompletableFuture.completedFuture(null);
        });
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
        return gate.thenCompose(open -> {
            if (!fits(offset, src.remaining())) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("out of range"));
            }
            if (notReady) {
                return CompletableFuture.failedFuture(new BlockDeviceNotReadyException("secondary"));
            }
            if (failWrites || failNextWrites.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                return CompletableFuture.failedFuture(new IOException("injected write failure"));
            }
            if (forceUnitAccess) {
                forcedWrites.incrementAndGet();
            }
            src.get(data, (int) offset, src.remaining());
            return CompletableFuture.completedFuture(null);
        });
    }

    @Override
    public CompletableFuture<Void> flush() {
        flushes.incrementAndGet();
        return gate;
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
        closed = true;
    }

    private boolean fits(long offset, int length) {
        return offset >= 0 && offset % blockSize == 0 && length % blockSize == 0 && offset + length <= data.length;
    }
}
