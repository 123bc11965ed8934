package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * WRITE ATOMIC (16) — SBC-4 §5.48, the atomic write of §4.29: all of the blocks are written or
 * none, also across a power loss, and no other command sees or changes a part of them in between.
 * The unit's {@link AtomicWriter} gives the first (redo log, FUA in place, retire), the exclusive
 * mode of its {@link BlockRangeLock} the second. Only units with an {@link AtomicWriteLog} support
 * the command ({@link CommandDescriptor.Attribute#NEEDS_ATOMIC_WRITE_LOG}).
 *
 * <p>Checks, in order: DATA PROTECT for a read-only unit; LBA OUT OF RANGE (also for a TRANSFER
 * LENGTH of 0, which is otherwise GOOD with nothing done, SBC-4 §5.48); then INVALID FIELD IN CDB
 * for a non-zero ATOMIC BOUNDARY (MAXIMUM ATOMIC BOUNDARY SIZE is 0), an LBA not a multiple of
 * ATOMIC ALIGNMENT, a TRANSFER LENGTH not a multiple of ATOMIC TRANSFER LENGTH GRANULARITY or above
 * MAXIMUM ATOMIC TRANSFER LENGTH (SBC-4 §5.48.2). DPO is accepted and ignored; FUA is what the
 * command does anyway. WRPROTECT other than 000b is refused by the CDB usage check.
 *
 * <p>Data-Out shorter than the TRANSFER LENGTH is refused with nothing written (INVALID FIELD IN
 * CDB at TRANSFER LENGTH): unlike WRITE, writing the blocks received would not be the atomic
 * write the CDB asked for.
 */
final class WriteAtomicHandler implements CommandHandler {

    private static final int LBA_OFFSET = 2;
    private static final int ATOMIC_BOUNDARY_OFFSET = 10;
    private static final int TRANSFER_LENGTH_OFFSET = 12;

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        LogicalUnit unit = context.unit();
        byte[] cdb = context.cdb();
        long lba = Cdb.u64(cdb, LBA_OFFSET);
        int atomicBoundary = Cdb.u16(cdb, ATOMIC_BOUNDARY_OFFSET);
        int blocks = Cdb.u16(cdb, TRANSFER_LENGTH_OFFSET);
        int blockSize = unit.blockSize();
        long wanted = (long) blocks * blockSize;
        context.transferBytes(wanted);
        if (unit.readOnly()) {
            throw SenseException.writeProtected();
        }
        BlockIo.checkRange(unit, lba, blocks);
        if (atomicBoundary != 0) {
            throw SenseException.invalidFieldInCdb(ATOMIC_BOUNDARY_OFFSET, -1);
        }
        if (lba % unit.atomicAlignmentBlocks() != 0) {
            throw SenseException.invalidFieldInCdb(LBA_OFFSET, -1);
        }
        if (blocks % unit.atomicAlignmentBlocks() != 0 || blocks > unit.maxAtomicTransferBlocks()) {
            throw SenseException.invalidFieldInCdb(TRANSFER_LENGTH_OFFSET, -1);
        }
        if (blocks == 0) {
            return CompletableFuture.completedFuture(ScsiResult.goodWrite(0));
        }
        ByteBuf dataOut = context.dataOut();
        if (dataOut == null || dataOut.readableBytes() < wanted) {
            throw SenseException.invalidFieldInCdb(TRANSFER_LENGTH_OFFSET, -1);
        }
        byte[] data = new byte[(int) wanted];
        dataOut.getBytes(dataOut.readerIndex(), data);
        AtomicWriter writer = unit.atomicWriter();
        return unit.rangeLock()
                .exclusive(lba, blocks, () -> writer.write(lba * blockSize, data))
                .handle((done, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(BlockIo.writeFailure(lba, failure));
                    }
                    return ScsiResult.goodWrite(wanted);
                });
    }
}
