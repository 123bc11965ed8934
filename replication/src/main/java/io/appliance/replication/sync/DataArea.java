package io.appliance.replication.sync;

import io.appliance.iscsi.block.BlockDevice;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The local backing's data area (the bytes below the metadata), as resync and verify use it.
 *
 * <p>Contract as {@link BlockDevice}: methods return at once and complete on the returned future,
 * possibly on the caller's thread when the data is at hand; {@code read} fills exactly
 * {@code dst.remaining()} bytes, {@code write} consumes exactly {@code src.remaining()} bytes; the
 * caller keeps the buffers and leaves them alone until completion. A range outside
 * {@code [0, size())} fails with {@link IllegalArgumentException}; an I/O failure with
 * {@link java.io.IOException}. A write is durable when {@code fua} was set, else after a later
 * {@link #flush()} completes.
 */
public interface DataArea {

    CompletableFuture<Void> read(long offset, ByteBuffer dst);

    CompletableFuture<Void> write(long offset, ByteBuffer src, boolean fua);

    /** Makes every write completed before this call durable. */
    CompletableFuture<Void> flush();

    /** Usable data bytes (the metadata area is not part of it). */
    long size();

    /** The first {@code dataBytes} of a backing device (internal metadata lives after them). */
    static DataArea of(BlockDevice device, long dataBytes) {
        Objects.requireNonNull(device, "device");
        if (dataBytes < 0 || dataBytes > device.size()) {
            throw new IllegalArgumentException("data area of " + dataBytes + " bytes does not fit a device of "
                    + device.size() + " bytes");
        }
        return new DataArea() {
            @Override
            public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
                return checkRange(offset, dst.remaining()) ? device.read(offset, dst) : outside(offset, dst.remaining());
            }

            @Override
            public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean fua) {
                return checkRange(offset, src.remaining()) ? device.write(offset, src, fua)
                        : outside(offset, src.remaining());
            }

            @Override
            public CompletableFuture<Void> flush() {
                return device.flush();
            }

            @Override
            public long size() {
                return dataBytes;
            }

            private boolean checkRange(long offset, long length) {
                return offset >= 0 && length >= 0 && offset <= dataBytes - length;
            }

            private CompletableFuture<Void> outside(long offset, long length) {
                return CompletableFuture.failedFuture(new IllegalArgumentException(
                        "range " + offset + "+" + length + " outside the data area of " + dataBytes + " bytes"));
            }
        };
    }
}
