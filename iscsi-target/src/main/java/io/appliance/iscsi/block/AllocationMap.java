package io.appliance.iscsi.block;

import java.util.concurrent.CompletableFuture;

/**
 * Optional capability of a {@link BlockDevice} that knows which of its ranges hold allocated
 * storage (GET LBA STATUS, SBC-3 §5.7). A device that does not implement it is reported as fully
 * mapped.
 *
 * <p>Contract: asynchronous like the rest of {@link BlockDevice} (never blocks the caller; the
 * future completes on an implementation thread). Offsets are byte offsets, multiples of
 * {@link BlockDevice#blockSize()}, inside {@link BlockDevice#size()}, else the future fails with
 * {@link IllegalArgumentException}; a backing-store failure fails it with
 * {@link java.io.IOException}. The answer is a snapshot: concurrent writes and discards may change
 * it at once.
 */
public interface AllocationMap {

    /**
     * The run of equally provisioned storage starting at {@code offset}: its provisioning and its
     * length, at most {@code maxLength} bytes and never past the device's end; a length of at
     * least one block. Partially allocated blocks count as mapped.
     */
    CompletableFuture<Extent> extentAt(long offset, long maxLength);

    /**
     * @param offset byte offset of the run
     * @param length bytes in the run, a multiple of the block size
     * @param mapped true when storage is allocated, false when the range is deallocated (a hole)
     */
    record Extent(long offset, long length, boolean mapped) {
    }
}
