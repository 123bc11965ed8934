package io.appliance.replication.sync;

import io.appliance.iscsi.block.BlockDevice;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** A metadata device in memory (holds the bitmap of a test's MetadataStore). */
final class MemoryBlockDevice implements BlockDevice {

    private final byte[] bytes;

    MemoryBlockDevice(int size) {
        this.bytes = new byte[size];
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public int blockSize() {
        return 512;
    }

    @Override
    public synchronized CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        if (offset < 0 || offset + dst.remaining() > bytes.length) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("outside " + offset));
        }
        dst.put(bytes, (int) offset, dst.remaining());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
        if (offset < 0 || offset + src.remaining() > bytes.length) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("outside " + offset));
        }
        src.get(bytes, (int) offset, src.remaining());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> flush() {
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
}
