package io.appliance.node.replication;

import io.appliance.iscsi.block.BlockDevice;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A view of a device owned by someone else: every request goes to the owner's device, but
 * {@link #close()} leaves it open. A LUN served on a replicated disk gets one, so deleting the
 * LUN does not take the resource's device away from the replication.
 */
final class BorrowedDevice implements BlockDevice {

    private final BlockDevice owned;
    private final long sizeWhileUnknown;

    /** @param sizeWhileUnknown reported while {@code owned} reports 0 bytes (its backing not attached) */
    BorrowedDevice(BlockDevice owned, long sizeWhileUnknown) {
        this.owned = Objects.requireNonNull(owned, "owned");
        this.sizeWhileUnknown = sizeWhileUnknown;
    }

    @Override
    public long size() {
        long size = owned.size();
        return size > 0 ? size : sizeWhileUnknown;
    }

    @Override
    public int blockSize() {
        return owned.blockSize();
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        return owned.read(offset, dst);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
        return owned.write(offset, src, forceUnitAccess);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return owned.flush();
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        return owned.discard(offset, length);
    }

    @Override
    public boolean discardZeroes() {
        return owned.discardZeroes();
    }

    /** Leaves the owner's device open. */
    @Override
    public void close() {
        // the resource owns its device; a LUN only borrows it
    }

    @Override
    public String toString() {
        return "Borrowed[" + owned + "]";
    }
}
