package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * WRITE SAME(10) and WRITE SAME(16) — SBC-3 §5.42, §5.43: the single block of Data-Out (zeros
 * when NDOB is set, WRITE SAME(16) only, SBC-4 §5.50) is written to every block of the range.
 * With the UNMAP bit on a thin provisioned unit (LBPRZ 1) and an all-zero block, the range is
 * deallocated instead (§4.7.3.4: the blocks then read as that block). Otherwise the block is
 * replicated into a buffer of at most {@link ThinProvisioning#WRITE_SAME_CHUNK_BYTES} and
 * written chunk by chunk; the whole range is never allocated at once.
 *
 * <p>NUMBER OF LOGICAL BLOCKS 0 is INVALID FIELD IN CDB (WSNZ 1 in the Block Limits VPD page), as
 * is a count above MAXIMUM WRITE SAME LENGTH. Data-Out other than exactly one block (none with
 * NDOB) is INVALID FIELD IN COMMAND INFORMATION UNIT. ANCHOR and WRPROTECT are refused by the CDB usage
 * check; PBDATA/LBDATA are obsolete and refused the same way.
 */
final class WriteSameHandler implements CommandHandler {

    private final BlockCdb layout;

    WriteSameHandler(BlockCdb layout) {
        this.layout = layout;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        LogicalUnit unit = context.unit();
        byte[] cdb = context.cdb();
        long lba = layout.lba(cdb);
        long blocks = layout.length(cdb);
        boolean unmap = Cdb.bit(cdb, 1, 3);
        boolean noDataOut = layout == BlockCdb.SIXTEEN && Cdb.bit(cdb, 1, 0);
        int blockSize = unit.blockSize();
        long dataOutBytes = noDataOut ? 0 : blockSize;
        context.transferBytes(dataOutBytes);
        if (unit.readOnly()) {
            throw SenseException.writeProtected();
        }
        if (blocks == 0 || blocks > ThinProvisioning.MAX_WRITE_SAME_BLOCKS) {
            throw SenseException.invalidFieldInCdb(layout.lengthOffset(), -1); // SBC-3 §6.5.3 WSNZ, limit
        }
        BlockIo.checkRange(unit, lba, blocks);
        ByteBuf data = context.dataOut();
        long received = data == null ? 0 : data.readableBytes();
        if (received != dataOutBytes) {
            // the Data-Out is exactly one block, none with NDOB: anything else cannot be replicated
            throw SenseException.invalidFieldInCommandInformationUnit();
        }
        boolean zeros = data == null || isZero(data, data.readerIndex(), blockSize);
        if (unmap && zeros && ThinProvisioning.enabled(unit)) {
            return UnmapHandler.discard(unit, lba, blocks).thenApply(done -> ScsiResult.goodWrite(dataOutBytes));
        }
        boolean forceUnitAccess = !unit.modeParameters().writeCacheEnabled();
        ByteBuf pattern = PooledByteBufAllocator.DEFAULT.directBuffer(chunkBytes(blockSize, blocks));
        try {
            fill(pattern, data, blockSize);
        } catch (RuntimeException e) {
            pattern.release();
            throw e;
        }
        CompletableFuture<Void> written;
        try {
            written = unit.rangeLock().shared(lba, blocks,
                    () -> writeChunks(unit, lba, blocks, pattern, forceUnitAccess));
        } catch (RuntimeException e) {
            pattern.release();
            throw e;
        }
        return written.handle((done, failure) -> {
            pattern.release();
            if (failure != null) {
                throw new CompletionException(BlockIo.writeFailure(lba, failure));
            }
            return ScsiResult.goodWrite(dataOutBytes);
        });
    }

    private static int chunkBytes(int blockSize, long blocks) {
        long wanted = blocks * blockSize;
        return (int) Math.min(wanted, ThinProvisioning.WRITE_SAME_CHUNK_BYTES / blockSize * (long) blockSize);
    }

    /** Fills {@code pattern} to its capacity with the block from {@code data}, or with zeros when data is null. */
    private static void fill(ByteBuf pattern, ByteBuf data, int blockSize) {
        int capacity = pattern.capacity();
        if (data == null) {
            pattern.setZero(0, capacity);
        } else {
            for (int at = 0; at < capacity; at += blockSize) {
                pattern.setBytes(at, data, data.readerIndex(), blockSize);
            }
        }
        pattern.writerIndex(capacity);
    }

    /** Writes the range chunk after chunk, each the next piece of the replicated pattern. */
    private static CompletableFuture<Void> writeChunks(LogicalUnit unit, long lba, long blocks, ByteBuf pattern,
            boolean forceUnitAccess) {
        long start = lba * unit.blockSize();
        ChunkWriter writer = new ChunkWriter(unit, pattern, start, start + blocks * unit.blockSize(), forceUnitAccess);
        writer.next();
        return writer.done;
    }

    /**
     * Issues one chunk write at a time; loops while writes complete synchronously, so that a
     * long range never deepens the stack.
     */
    private static final class ChunkWriter {
        private final LogicalUnit unit;
        private final ByteBuf pattern;
        private final long end;
        private final boolean forceUnitAccess;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private long offset;

        ChunkWriter(LogicalUnit unit, ByteBuf pattern, long start, long end, boolean forceUnitAccess) {
            this.unit = unit;
            this.pattern = pattern;
            this.offset = start;
            this.end = end;
            this.forceUnitAccess = forceUnitAccess;
        }

        void next() {
            while (offset < end) {
                int length = (int) Math.min(pattern.capacity(), end - offset);
                CompletableFuture<Void> write;
                try {
                    write = unit.device().write(offset, pattern.nioBuffer(0, length), forceUnitAccess);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                    return;
                }
                offset += length;
                if (!write.isDone()) {
                    write.whenComplete((written, failure) -> {
                        if (failure != null) {
                            done.completeExceptionally(failure);
                        } else {
                            next();
                        }
                    });
                    return;
                }
                if (write.isCompletedExceptionally()) {
                    write.whenComplete((written, failure) -> done.completeExceptionally(failure));
                    return;
                }
            }
            done.complete(null);
        }
    }

    private static boolean isZero(ByteBuf data, int index, int length) {
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if (data.getLong(index + i) != 0) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (data.getByte(index + i) != 0) {
                return false;
            }
        }
        return true;
    }
}
