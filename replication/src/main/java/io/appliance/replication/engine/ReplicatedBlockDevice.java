package io.appliance.replication.engine;

import io.appliance.iscsi.block.BlockDevice;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated disk as a {@link BlockDevice}. Requests are handed to the resource's state
 * executor; the caller's thread never blocks. I/O while the resource is not Primary fails with
 * {@link io.appliance.iscsi.block.BlockDeviceNotReadyException}. {@link #close()} does nothing:
 * the resource owns its lifetime (down).
 */
final class ReplicatedBlockDevice implements BlockDevice {
    private static final int BLOCK_SIZE = 512;
    private final ResourceEngine engine;

    ReplicatedBlockDevice(ResourceEngine engine) {
        this.engine = engine;
    }

    @Override
    public long size() {
        return engine.publishedSizeBytes();
    }

    @Override
    public int blockSize() {
        return BLOCK_SIZE;
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        engine.submitRequest(() -> engine.io.read(offset, dst, result), result);
        return result;
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
        return submit(new AppRequest(AppRequest.Kind.WRITE, offset, src.remaining(), src, forceUnitAccess));
    }

    @Override
    public CompletableFuture<Void> flush() {
        return submit(new AppRequest(AppRequest.Kind.FLUSH, 0, 0, null, false));
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        return submit(new AppRequest(AppRequest.Kind.DISCARD, offset, length, null, false));
    }

    private CompletableFuture<Void> submit(AppRequest request) {
        engine.submitRequest(() -> engine.io.submit(request), request.result);
        return request.result;
    }

    @Override
    public boolean discardZeroes() {
        return false;
    }

    @Override
    public void close() {
        // the resource owns the device's lifetime
    }

    @Override
    public String toString() {
        return "replicated disk " + engine.name();
    }
}
