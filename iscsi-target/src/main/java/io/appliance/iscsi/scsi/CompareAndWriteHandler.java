package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * COMPARE AND WRITE — SBC-3 §5.2 (VMware ATS). The Data-Out holds NUMBER OF LOGICAL BLOCKS of
 * verify data followed by as many blocks of write data. Under the exclusive mode of the unit's
 * {@link BlockRangeLock} (the "uninterrupted sequence" of SBC-3 §4.26) the blocks are read and
 * compared with the verify data; on the first difference the command ends in MISCOMPARE /
 * MISCOMPARE DURING VERIFY OPERATION with the byte offset of that difference in INFORMATION and
 * nothing is written; otherwise the write data is written (durable before status when FUA is set
 * or the write cache is off). DPO is accepted and ignored; WRPROTECT other than 000b is refused by
 * the CDB usage check.
 *
 * <p>Checks, in order: DATA PROTECT for a read-only unit; a count above
 * {@link #MAX_BLOCKS} (reported in the Block Limits VPD page as MAXIMUM COMPARE AND WRITE LENGTH)
 * is INVALID FIELD IN CDB (SBC-3 §5.2); LBA OUT OF RANGE; then the Data-Out must be exactly twice
 * the blocks the CDB names, else INVALID FIELD IN CDB pointing at NUMBER OF LOGICAL BLOCKS, since
 * a partial or surplus transfer cannot be split into verify and write halves. A count of zero is
 * not an error (SBC-3 §5.2) and does nothing, unless the Data-Out carries at least one whole
 * verify and write pair, which shows the count contradicts the transfer.
 */
final class CompareAndWriteHandler implements CommandHandler {

    /** MAXIMUM COMPARE AND WRITE LENGTH in logical blocks: the largest value the one-byte CDB field holds. */
    static final int MAX_BLOCKS = 255;

    private static final BlockCdb LAYOUT = BlockCdb.SIXTEEN;
    private static final int NUMBER_OF_BLOCKS_OFFSET = 13;

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        LogicalUnit unit = context.unit();
        byte[] cdb = context.cdb();
        long lba = LAYOUT.lba(cdb);
        int blocks = Cdb.u8(cdb, NUMBER_OF_BLOCKS_OFFSET);
        int blockSize = unit.blockSize();
        int halfBytes = blocks * blockSize;
        context.transferBytes(2L * halfBytes);
        if (unit.readOnly()) {
            throw SenseException.writeProtected();
        }
        if (blocks > MAX_BLOCKS) {
            throw SenseException.invalidFieldInCdb(NUMBER_OF_BLOCKS_OFFSET, -1);
        }
        BlockIo.checkRange(unit, lba, blocks);
        ByteBuf data = context.dataOut();
        long received = data == null ? 0 : data.readableBytes();
        if (blocks == 0 && received < 2L * blockSize) {
            return CompletableFuture.completedFuture(ScsiResult.goodWrite(0));
        }
        if (received != 2L * halfBytes) {
            throw SenseException.invalidFieldInCdb(NUMBER_OF_BLOCKS_OFFSET, -1);
        }
        boolean forceUnitAccess = BlockIo.forceUnitAccess(unit, LAYOUT, cdb);
        return unit.rangeLock()
                .exclusive(lba, blocks, () -> compareThenWrite(unit, lba, blocks, data, forceUnitAccess))
                .thenApply(done -> ScsiResult.goodWrite(2L * halfBytes));
    }

    /**
     * Reads the blocks, compares them with the first half of {@code data} (from its reader index)
     * and writes the second half, or fails with MISCOMPARE. Runs under the exclusive range lock;
     * only starts I/O.
     */
    private static CompletableFuture<Void> compareThenWrite(LogicalUnit unit, long lba, int blocks, ByteBuf data,
            boolean forceUnitAccess) {
        int halfBytes = blocks * unit.blockSize();
        int verifyIndex = data.readerIndex();
        return BlockIo.read(unit, lba, blocks).thenCompose(medium -> {
            long mismatch;
            try {
                mismatch = BlockIo.firstMismatch(medium, data, verifyIndex, halfBytes, halfBytes);
            } finally {
                medium.release();
            }
            if (mismatch >= 0) {
                return CompletableFuture.failedFuture(SenseException.miscompare(mismatch));
            }
            ByteBuffer source = data.nioBuffer(verifyIndex + halfBytes, halfBytes);
            return unit.device().write(lba * unit.blockSize(), source, forceUnitAccess)
                    .handle((done, failure) -> {
                        if (failure != null) {
                            throw new CompletionException(BlockIo.writeFailure(lba, failure));
                        }
                        return null;
                    });
        });
    }
}
