package io.appliance.iscsi.block;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A fixed-block storage device that a LUN is backed by: a sparse file today, a logical volume or a
 * replicated disk later.
 *
 * <p>Contract:
 * <ul>
 *   <li>Offsets and lengths are in bytes and must be multiples of {@link #blockSize()}; a request
 *       that does not fit inside {@link #size()} completes exceptionally with
 *       {@link IllegalArgumentException} and touches nothing.
 *   <li>All I/O methods return at once; completion is signalled on the returned future from a
 *       thread of the implementation's choosing (never the caller's Netty event loop doing the
 *       I/O). Callers must not block on the future from an event loop.
 *   <li>A write that completes normally with {@code forceUnitAccess} true is durable (on stable
 *       storage) when the future completes. Without it, it is durable after a later
 *       {@link #flush()} completes.
 *   <li>An I/O failure of the backing store completes the future with
 *       {@link java.io.IOException}; the device stays usable for later requests.
 *   <li>Buffers: {@code read} fills exactly {@code dst.remaining()} bytes starting at dst's
 *       position; {@code write} consumes exactly {@code src.remaining()} bytes. The caller keeps
 *       ownership of the buffers and must not touch them until the future completes.
 *   <li>Thread safety: every method may be called from any thread, concurrently. Overlapping
 *       concurrent writes have no defined order; callers that need order wait for completion.
 * </ul>
 */
public interface BlockDevice extends Closeable {

    /** Capacity in bytes; a multiple of {@link #blockSize()}. May grow while the device is open. */
    long size();

    /** Logical block size in bytes (512 or 4096). Fixed for the device's life. */
    int blockSize();

    /** Reads {@code dst.remaining()} bytes at {@code offset}. Unwritten regions read as zeros. */
    CompletableFuture<Void> read(long offset, ByteBuffer dst);

    /** Writes {@code src.remaining()} bytes at {@code offset}; durable on completion if forceUnitAccess. */
    CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess);

    /** Makes every write completed before this call durable (SYNCHRONIZE CACHE, fdatasync). */
    CompletableFuture<Void> flush();

    /**
     * Tells the device that a range's contents are no longer needed. After completion the range
     * reads as zeros if {@link #discardZeroes()} is true. Devices that cannot discard complete
     * normally and do nothing.
     */
    CompletableFuture<Void> discard(long offset, long length);

    /** True when a discarded range is guaranteed to read back as zeros. */
    boolean discardZeroes();

    /** Releases the device. Idempotent. Outstanding requests complete (normally or not) first. */
    @Override
    void close();
}
