package io.appliance.replication.engine;

import io.appliance.iscsi.block.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A BlockDevice wrapper for fault tests: its data I/O below {@code failBelow} fails with IOException once
 * {@code failing} is switched on, and its writes start only after {@code writeDelay} (zero: at once), to widen
 * ordering races.
 */
final class FaultyBlockDevice implements BlockDevice {
    private final BlockDevice inner;
    private final AtomicBoolean failing;
    private final long failBelow;
    private final AtomicReference<Duration> writeDelay;

    FaultyBlockDevice(BlockDevice inner, AtomicBoolean failing, long failBelow, AtomicReference<Duration> writeDelay) {
        this.inner = inner;
        this.failing = failing;
        this.failBelow = failBelow;
        this.writeDelay = writeDelay;
    }

    private boolean fails(long offset) {
        return failing.get() && offset < failBelow;
    }

    private static CompletableFuture<Void> failure() {
        return CompletableFuture.failedFuture(new IOException("injected medium error"));
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public int blockSize() {
        return inner.blockSize();
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        return fails(offset) ? failure() : inner.read(offset, dst);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
        if (fails(offset)) {
            return failure();
        }
        Duration wait = writeDelay.get();
        if (wait.isZero()) {
            return inner.write(offset, src, forceUnitAccess);
        }
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS))
                .thenCompose(ignored -> inner.write(offset, src, forceUnitAccess));
    }

    @Override
    public CompletableFuture<Void> flush() {
        return failing.get() ? failure() : inner.flush();
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        return fails(offset) ? failure() : inner.discard(offset, length);
    }

    @Override
    public boolean discardZeroes() {
        return inner.discardZeroes();
    }

    @Override
    public void close() {
        inner.close();
    }
}
