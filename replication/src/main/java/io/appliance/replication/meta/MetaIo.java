package io.appliance.replication.meta;

import io.appliance.iscsi.block.BlockDevice;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Blocking metadata I/O over a {@link BlockDevice}: joins its futures and turns failures into {@link MetadataException}. */
final class MetaIo {

    private MetaIo() {
    }

    static ByteBuffer read(BlockDevice device, long offset, int length, String what) throws MetadataException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        await(device.read(offset, buffer), "read " + what + " at offset " + offset);
        buffer.clear();
        return buffer;
    }

    static void write(BlockDevice device, long offset, ByteBuffer source, boolean forceUnitAccess, String what)
            throws MetadataException {
        await(device.write(offset, source, forceUnitAccess), "write " + what + " at offset " + offset);
    }

    static void flush(BlockDevice device, String what) throws MetadataException {
        await(device.flush(), "flush " + what);
    }

    private static void await(CompletableFuture<Void> future, String action) throws MetadataException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    future.get();
                    return;
                } catch (InterruptedException e) {
                    // The device completes every request; the metadata must not be left half-written.
                    interrupted = true;
                }
            }
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException runtime && !(cause instanceof CompletionException)) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new MetadataException(MetadataException.Reason.IO, "cannot " + action + ": " + cause.getMessage(),
                cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
