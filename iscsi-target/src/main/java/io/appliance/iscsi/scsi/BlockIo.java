package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.appliance.iscsi.block.BlockDeviceNotReadyException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Checks and I/O shared by the block command handlers (SBC-3 §4.5, §4.16). */
final class BlockIo {

    private BlockIo() {
    }

    /**
     * SBC-3 §4.5: LOGICAL BLOCK ADDRESS OUT OF RANGE when the range [lba, lba+blocks) does not fit
     * in the capacity. A zero-length range at the capacity itself is allowed.
     */
    static void checkRange(LogicalUnit unit, long lba, long blocks) throws SenseException {
        long capacity = unit.capacityBlocks();
        if (lba < 0 || blocks < 0 || lba > capacity || blocks > capacity - lba) {
            throw SenseException.lbaOutOfRange();
        }
    }

    /** SBC-3 §6.5.3: a transfer longer than MAXIMUM TRANSFER LENGTH is an invalid TRANSFER LENGTH field. */
    static void checkTransferLength(LogicalUnit unit, BlockCdb layout, long blocks) throws SenseException {
        if (blocks > unit.maxTransferBlocks()) {
            throw SenseException.invalidFieldInCdb(layout.lengthOffset(), -1);
        }
    }

    /**
     * The checks every command that writes the medium makes, in this order: the bytes the CDB asks
     * for are reported to the transport (it computes the residual from them, RFC 7143 §11.4.5),
     * then a read-only unit is refused (DATA PROTECT), then the range and the transfer length.
     *
     * @return the bytes the CDB asks to write
     */
    static long checkWrite(CommandContext context, BlockCdb layout, long lba, long blocks) throws SenseException {
        LogicalUnit unit = context.unit();
        long wanted = blocks * unit.blockSize();
        context.transferBytes(wanted);
        if (unit.readOnly()) {
            throw SenseException.writeProtected();
        }
        checkRange(unit, lba, blocks);
        checkTransferLength(unit, layout, blocks);
        return wanted;
    }

    /**
     * SBC-3 §4.15: the write must be durable before status when the CDB's FUA bit is set (byte 1
     * bit 3; WRITE(6) has none) or when the write cache is off (WCE 0 in the caching mode page).
     */
    static boolean forceUnitAccess(LogicalUnit unit, BlockCdb layout, byte[] cdb) {
        boolean fuaBit = layout != BlockCdb.SIX && (cdb[1] & 0x08) != 0;
        return fuaBit || !unit.modeParameters().writeCacheEnabled();
    }

    /**
     * Reads {@code blocks} blocks at {@code lba} into a new pooled direct buffer. The future's
     * buffer belongs to the caller; on failure nothing is left allocated and the future fails with
     * the SenseException SBC-3 asks for.
     */
    static CompletableFuture<ByteBuf> read(LogicalUnit unit, long lba, long blocks) {
        int bytes = Math.toIntExact(blocks * unit.blockSize());
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(bytes, bytes);
        CompletableFuture<Void> io;
        try {
            io = unit.device().read(lba * unit.blockSize(), buffer.nioBuffer(0, bytes));
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
        return io.handle((done, failure) -> {
            if (failure != null) {
                buffer.release();
                throw new CompletionException(readFailure(lba, failure));
            }
            buffer.writerIndex(bytes);
            return buffer;
        });
    }

    /** The sense for a failed read: the device shrank under us, or MEDIUM ERROR / UNRECOVERED READ ERROR. */
    static Throwable readFailure(long lba, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof IllegalArgumentException) {
            return SenseException.lbaOutOfRange();
        }
        if (cause instanceof BlockDeviceNotReadyException) {
            return SenseException.notAccessibleStandby(cause);
        }
        if (cause instanceof IOException) {
            return SenseException.readError(lba, cause);
        }
        return cause;
    }

    /** The sense for a failed write: the device shrank under us, or MEDIUM ERROR / WRITE ERROR. */
    static Throwable writeFailure(long lba, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof IllegalArgumentException) {
            return SenseException.lbaOutOfRange();
        }
        if (cause instanceof BlockDeviceNotReadyException) {
            return SenseException.notAccessibleStandby(cause);
        }
        if (cause instanceof IOException) {
            return SenseException.writeError(lba, cause);
        }
        return cause;
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Offset of the first byte where {@code medium} (from its reader index, {@code length} bytes)
     * differs from {@code expected} repeated with period {@code period} starting at
     * {@code expectedIndex}; -1 when equal. A period equal to the length compares byte for byte;
     * a period of one block compares one block against every block (VERIFY BYTCHK 11b).
     */
    static long firstMismatch(ByteBuf medium, ByteBuf expected, int expectedIndex, int period, int length) {
        int base = medium.readerIndex();
        for (int start = 0; start < length; start += period) {
            int chunk = Math.min(period, length - start);
            int i = 0;
            while (i + Long.BYTES <= chunk
                    && medium.getLong(base + start + i) == expected.getLong(expectedIndex + i)) {
                i += Long.BYTES;
            }
            for (; i < chunk; i++) {
                if (medium.getByte(base + start + i) != expected.getByte(expectedIndex + i)) {
                    return (long) start + i;
                }
            }
        }
        return -1;
    }
}
