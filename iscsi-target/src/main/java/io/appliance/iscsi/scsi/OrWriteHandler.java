package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * ORWRITE(16) — SBC-4 §5.10, the set operation of §4.27.4: the blocks are read, the Data-Out is
 * ORed into them, the result is written back, as one uninterrupted sequence (§4.27.1) — the
 * exclusive mode of the unit's {@link BlockRangeLock}, so no WRITE, WRITE AND VERIFY or other
 * ORWRITE to an overlapping block runs in between.
 *
 * <p>FUA (or WCE 0 in the caching mode page) makes the write durable before status; DPO is
 * accepted and ignored. ORPROTECT other than 000b is refused by the CDB usage check as INVALID
 * FIELD IN CDB (no protection information, SBC-4 Table 67 footnote b). A read-only unit answers
 * DATA PROTECT / WRITE PROTECTED. A TRANSFER LENGTH of 0 is GOOD with nothing done. Data-Out
 * shorter than the TRANSFER LENGTH is handled as for WRITE: the whole blocks received are ORed,
 * a partial block is INVALID FIELD IN COMMAND INFORMATION UNIT. ORWRITE(32), the only command
 * that uses ORWgeneration codes (§4.27.2), is not supported, so none are kept.
 */
final class OrWriteHandler implements CommandHandler {

    private static final BlockCdb LAYOUT = BlockCdb.SIXTEEN;

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        LogicalUnit unit = context.unit();
        byte[] cdb = context.cdb();
        long lba = LAYOUT.lba(cdb);
        long blocks = LAYOUT.length(cdb);
        long wanted = BlockIo.checkWrite(context, LAYOUT, lba, blocks);
        int bytes = WriteHandler.usableDataOut(context, wanted);
        if (bytes == 0) {
            return CompletableFuture.completedFuture(ScsiResult.goodWrite(wanted));
        }
        boolean forceUnitAccess = BlockIo.forceUnitAccess(unit, LAYOUT, cdb);
        ByteBuf mask = context.dataOut();
        long orBlocks = bytes / unit.blockSize();
        return unit.rangeLock()
                .exclusive(lba, orBlocks, () -> readOrWrite(unit, lba, orBlocks, mask, forceUnitAccess))
                .thenApply(done -> ScsiResult.goodWrite(wanted));
    }

    /**
     * Reads {@code blocks} blocks at {@code lba}, ORs {@code mask} (from its reader index) into
     * them and writes them back. Runs under the exclusive range lock; only starts I/O.
     */
    private static CompletableFuture<Void> readOrWrite(LogicalUnit unit, long lba, long blocks, ByteBuf mask,
            boolean forceUnitAccess) {
        return BlockIo.read(unit, lba, blocks).thenCompose(medium -> {
            CompletableFuture<Void> written;
            try {
                int length = medium.readableBytes();
                orInto(medium, mask, mask.readerIndex(), length);
                ByteBuffer source = medium.nioBuffer(medium.readerIndex(), length);
                written = unit.device().write(lba * unit.blockSize(), source, forceUnitAccess);
            } catch (RuntimeException e) {
                medium.release();
                throw e;
            }
            return written.handle((done, failure) -> {
                medium.release();
                if (failure != null) {
                    throw new CompletionException(BlockIo.writeFailure(lba, failure));
                }
                return null;
            });
        });
    }

    /** {@code target[i] |= mask[maskIndex + i]} for {@code length} bytes from target's reader index; length a multiple of 8. */
    static void orInto(ByteBuf target, ByteBuf mask, int maskIndex, int length) {
        int base = target.readerIndex();
        for (int i = 0; i < length; i += Long.BYTES) {
            target.setLong(base + i, target.getLong(base + i) | mask.getLong(maskIndex + i));
        }
    }
}
