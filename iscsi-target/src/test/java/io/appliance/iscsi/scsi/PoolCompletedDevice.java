package io.appliance.iscsi.scsi;

import io.appliance.iscsi.block.BlockDevice;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/** A memory device whose every request runs and completes on a pool thread, like the file device. */
final class PoolCompletedDevice implements BlockDevice {
    private final MemoryBlockDevice memory;
    private final ExecutorService io;

    PoolCompletedDevice(MemoryBlockDevice memory, ExecutorService io) {
        this.memory = memory;
        this.io = io;
    }

    @Override
    public long size() {
        return memory.size();
    }

    @Override
    public int blockSize() {
        return memory.blockSize();
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        return CompletableFuture.runAsync(() -> { }, io).thenCompose(start -> memory.read(offset, dst));
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
        return CompletableFuture.runAsync(() -> { }, io).thenCompose(start -> memory.write(offset, src, forceUnitAccess));
    }

    @Override
    public CompletableFuture<Void> flush() {
        return memory.flush();
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        return memory.discard(offset, length);
    }

    @Override
    public boolean discardZeroes() {
        return memory.discardZeroes();
    }

    @Override
    public void close() {
        memory.close();
    }
}
