package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * WRITE(6), WRITE(10), WRITE(12), WRITE(16) — SBC-3 §5.32-5.35. FUA (or WCE 0 in the caching
 * mode page) makes the write durable before status; DPO is accepted and ignored; WRPROTECT is
 * refused by the CDB usage check.
 *
 * <p>Data-Out shorter than the TRANSFER LENGTH (the initiator's expected data transfer length was
 * smaller): the whole blocks received are written and the command succeeds; the transport reports
 * the residual overflow from {@link ScsiResult#transferLength()}. This is what libiscsi's
 * {@code test_write10_residuals} requires. A partial block cannot be written and ends in ILLEGAL
 * REQUEST / INVALID FIELD IN COMMAND INFORMATION UNIT (0Eh/03h), which that test also accepts.
 */
final class WriteHandler implements CommandHandler {

    private final BlockCdb layout;

    WriteHandler(BlockCdb layout) {
        this.layout = layout;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        byte[] cdb = context.cdb();
        long lba = layout.lba(cdb);
        long blocks = layout.length(cdb);
        if (layout == BlockCdb.SIX && blocks == 0) {
            blocks = 256; // SBC-3 §5.32: 0 means 256 blocks in WRITE(6)
        }
        long wanted = BlockIo.checkWrite(context, layout, lba, blocks);
        return write(context, lba, wanted, BlockIo.forceUnitAccess(context.unit(), layout, cdb))
                .thenApply(done -> ScsiResult.goodWrite(wanted));
    }

    /**
     * Writes what Data-Out holds of {@code wanted} bytes at {@code lba}: all of it, or the whole
     * blocks received when the initiator sent less. Shared with WRITE AND VERIFY. The write holds
     * the unit's {@link BlockRangeLock} in shared mode so that it never lands between the read and
     * the write of an overlapping ORWRITE.
     */
    static CompletableFuture<Integer> write(CommandContext context, long lba, long wanted, boolean forceUnitAccess)
            throws SenseException {
        LogicalUnit unit = context.unit();
        int bytes = usableDataOut(context, wanted);
        if (bytes == 0) {
            return CompletableFuture.completedFuture(0);
        }
        ByteBuf data = context.dataOut();
        ByteBuffer source = data.nioBuffer(data.readerIndex(), bytes);
        long blocks = bytes / unit.blockSize();
        return unit.rangeLock()
                .shared(lba, blocks, () -> unit.device().write(lba * unit.blockSize(), source, forceUnitAccess))
                .handle((done, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(BlockIo.writeFailure(lba, failure));
                    }
                    return bytes;
                });
    }

    /**
     * Bytes of Data-Out a write of {@code wanted} bytes uses: all of them, or the whole blocks
     * received when the initiator sent less (0 when it sent none). A partial block is INVALID
     * FIELD IN COMMAND INFORMATION UNIT. Shared by every command that writes Data-Out.
     */
    static int usableDataOut(CommandContext context, long wanted) throws SenseException {
        ByteBuf data = context.dataOut();
        long received = data == null ? 0 : data.readableBytes();
        long usable = Math.min(received, wanted);
        if (usable % context.unit().blockSize() != 0) {
            throw SenseException.invalidFieldInCommandInformationUnit();
        }
        return (int) usable;
    }
}
