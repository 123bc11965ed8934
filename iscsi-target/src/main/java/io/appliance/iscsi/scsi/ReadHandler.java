package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * READ(6), READ(10), READ(12), READ(16) — SBC-3 §5.13-5.16. DPO and FUA are accepted and have no
 * effect (reads are served from the backing store's cache, which is coherent with writes);
 * RDPROTECT is refused by the CDB usage check (no protection information). The whole transfer is
 * returned; the transport cuts it to the expected data transfer length.
 */
final class ReadHandler implements CommandHandler {

    private final BlockCdb layout;

    ReadHandler(BlockCdb layout) {
        this.layout = layout;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        LogicalUnit unit = context.unit();
        byte[] cdb = context.cdb();
        long lba = layout.lba(cdb);
        long blocks = layout.length(cdb);
        if (layout == BlockCdb.SIX && blocks == 0) {
            blocks = 256; // SBC-3 §5.13: a TRANSFER LENGTH of 0 in READ(6) means 256 blocks
        }
        BlockIo.checkRange(unit, lba, blocks);
        BlockIo.checkTransferLength(unit, layout, blocks);
        if (blocks == 0) {
            return CompletableFuture.completedFuture(ScsiResult.good());
        }
        return BlockIo.read(unit, lba, blocks).thenApply(ScsiResult::good);
    }
}
