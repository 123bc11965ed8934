package io.appliance.node.runtime;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.block.FileBlockDevice;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A LUN file that can grow while it is served: a {@link BlockDevice} that delegates to a
 * {@link FileBlockDevice} and, on {@link #grow}, extends the file, opens a device of the new size
 * and swaps it in. The old device is closed after its accepted requests complete; a request that
 * reaches it after the swap is retried once on the new device (the old one refused it before
 * touching the buffer).
 *
 * <p>Thread safety: I/O methods from any thread; {@link #grow} and {@link #close} are called by one
 * administrator thread at a time (the node's configuration lock).
 */
public final class ResizableFileDevice implements BlockDevice {

    private final Path file;
    private final int blockSize;
    private final boolean readOnly;
    private final Executor ioExecutor;
    private volatile FileBlockDevice current;

    private ResizableFileDevice(Path file, int blockSize, boolean readOnly, Executor ioExecutor, FileBlockDevice first) {
        this.file = file;
        this.blockSize = blockSize;
        this.readOnly = readOnly;
        this.ioExecutor = ioExecutor;
        this.current = first;
    }

    /** Opens an existing file; the size is its length rounded down to a block. */
    public static ResizableFileDevice open(Path file, int blockSize, boolean readOnly, Executor ioExecutor)
            throws IOException {
        return new ResizableFileDevice(file, blockSize, readOnly, ioExecutor,
                FileBlockDevice.open(file, blockSize, readOnly, ioExecutor));
    }

    /**
     * Creates a sparse file of {@code sizeBytes} (parent directories too) and opens it.
     *
     * @throws IOException when the file cannot be created or sized
     */
    public static ResizableFileDevice create(Path file, long sizeBytes, int blockSize, boolean readOnly,
            Executor ioExecutor) throws IOException {
        FileBlockDevice.create(file, sizeBytes, blockSize, ioExecutor).close();
        return open(file, blockSize, readOnly, ioExecutor);
    }

    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Extends the file to {@code newSizeBytes} (sparse) and serves the new size from now on.
     *
     * @throws IllegalArgumentException when the new size is smaller than the current one or not a
     *                                  multiple of the block size
     * @throws IOException              when the file cannot be extended or reopened; the device
     *                                  keeps serving the old size
     */
    public void grow(long newSizeBytes) throws IOException {
        FileBlockDevice old = current;
        if (newSizeBytes < old.size() || newSizeBytes % blockSize != 0) {
            throw new IllegalArgumentException("new size " + newSizeBytes + " must be a multiple of " + blockSize
                    + " and at least the current size " + old.size());
        }
        if (newSizeBytes == old.size()) {
            return;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (raf.length() < newSizeBytes) {
                raf.setLength(newSizeBytes); // ftruncate: extends without allocating blocks
            }
        }
        current = FileBlockDevice.open(file, blockSize, readOnly, ioExecutor);
        old.close();
    }

    @Override
    public long size() {
        return current.size();
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        return withRetry(device -> device.read(offset, dst));
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
        return withRetry(device -> device.write(offset, src, forceUnitAccess));
    }

    @Override
    public CompletableFuture<Void> flush() {
        return withRetry(FileBlockDevice::flush);
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        return withRetry(device -> device.discard(offset, length));
    }

    @Override
    public boolean discardZeroes() {
        return current.discardZeroes();
    }

    /** Closes the current device; requests it accepted complete first. Idempotent. */
    @Override
    public void close() {
        current.close();
    }

    @Override
    public String toString() {
        return "ResizableFileDevice[" + current + "]";
    }

    private CompletableFuture<Void> withRetry(Function<FileBlockDevice, CompletableFuture<Void>> request) {
        FileBlockDevice device = current;
        return request.apply(device).handle((done, failure) -> {
            if (failure == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            FileBlockDevice now = current;
            if (cause instanceof ClosedChannelException && now != device) {
                return request.apply(now); // swapped by grow(): the old device refused before any I/O
            }
            return CompletableFuture.<Void>failedFuture(cause);
        }).thenCompose(Function.identity());
    }
}
