package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * WRITE AND VERIFY(10), (12), (16) — SBC-3 §5.37-5.39: the write is forced to the medium, then
 * read back; with BYTCHK 01b (byte 1 bit 1) the data read back is compared with the Data-Out
 * (MISCOMPARE on a difference), with 00b the read only checks that the medium answers. DPO is
 * accepted and ignored; other BYTCHK values and WRPROTECT are refused by the CDB usage check.
 * Short Data-Out is handled as for WRITE.
 */
final class WriteAndVerifyHandler implements CommandHandler {

    private static final int BYTCHK = 0x02;

    private final BlockCdb layout;

    WriteAndVerifyHandler(BlockCdb layout) {
        this.layout = layout;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        LogicalUnit unit = context.unit();
        byte[] cdb = context.cdb();
        long lba = layout.lba(cdb);
        long blocks = layout.length(cdb);
        long wanted = BlockIo.checkWrite(context, layout, lba, blocks);
        boolean compare = (cdb[1] & BYTCHK) != 0;
        return WriteHandler.write(context, lba, wanted, true).thenCompose(written -> {
            if (written == 0) {
                return CompletableFuture.completedFuture(ScsiResult.goodWrite(wanted));
            }
            long writtenBlocks = written / unit.blockSize();
            CompletableFuture<Void> verified = compare
                    ? VerifyHandler.compare(unit, lba, writtenBlocks, context.dataOut(), written)
                    : BlockIo.read(unit, lba, writtenBlocks).thenAccept(medium -> medium.release());
            return verified.thenApply(done -> ScsiResult.goodWrite(wanted));
        });
    }
}
