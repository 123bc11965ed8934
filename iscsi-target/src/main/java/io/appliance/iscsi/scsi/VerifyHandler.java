package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * VERIFY(10), VERIFY(12), VERIFY(16) — SBC-3 §5.27-5.29. BYTCHK (byte 1 bits 2-1):
 * <ul>
 *   <li>00b: medium verification — the range is checked; the backing store has no separate
 *       medium check to run, so nothing is read;
 *   <li>01b: the Data-Out holds the range's blocks; they are compared with the medium;
 *   <li>10b: reserved → INVALID FIELD IN CDB;
 *   <li>11b: the Data-Out holds one block, compared with every block of the range.
 * </ul>
 * A difference ends in MISCOMPARE / MISCOMPARE DURING VERIFY OPERATION with INFORMATION set to the
 * offset of the first differing byte (SBC-3 §5.27). VRPROTECT is refused by the CDB usage check.
 */
final class VerifyHandler implements CommandHandler {

    private static final int BYTCHK_NONE = 0;
    private static final int BYTCHK_RESERVED = 2;
    private static final int BYTCHK_ONE_BLOCK = 3;

    private final BlockCdb layout;

    VerifyHandler(BlockCdb layout) {
        this.layout = layout;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        LogicalUnit unit = context.unit();
        byte[] cdb = context.cdb();
        int byteCheck = (cdb[1] >> 1) & 0x03;
        if (byteCheck == BYTCHK_RESERVED) {
            throw SenseException.invalidFieldInCdb(1, 2);
        }
        long lba = layout.lba(cdb);
        long blocks = layout.length(cdb);
        int blockSize = unit.blockSize();
        if (byteCheck != BYTCHK_NONE && blocks != 0) {
            context.transferBytes(byteCheck == BYTCHK_ONE_BLOCK ? blockSize : blocks * blockSize);
        }
        BlockIo.checkRange(unit, lba, blocks);
        if (byteCheck == BYTCHK_NONE || blocks == 0) {
            return CompletableFuture.completedFuture(ScsiResult.good());
        }
        BlockIo.checkTransferLength(unit, layout, blocks);
        int compareBytes = (int) context.transferBytes();
        ByteBuf expected = context.dataOut();
        if (expected == null || expected.readableBytes() < compareBytes) {
            throw SenseException.invalidFieldInCommandInformationUnit();
        }
        return compare(unit, lba, blocks, expected, compareBytes).thenApply(done -> ScsiResult.goodWrite(compareBytes));
    }

    /**
     * Reads the range and compares it with {@code expected} (of period {@code period} bytes):
     * completes normally when equal, with a MISCOMPARE SenseException otherwise. Shared with
     * WRITE AND VERIFY.
     */
    static CompletableFuture<Void> compare(LogicalUnit unit, long lba, long blocks, ByteBuf expected, int period) {
        int length = (int) (blocks * unit.blockSize());
        return BlockIo.read(unit, lba, blocks).thenAccept(medium -> {
            long mismatch;
            try {
                mismatch = BlockIo.firstMismatch(medium, expected, expected.readerIndex(), period, length);
            } finally {
                medium.release();
            }
            if (mismatch >= 0) {
                throw new CompletionException(SenseException.miscompare(mismatch));
            }
        });
    }
}
