package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * PRE-FETCH(10), (16) — SBC-3 §5.10/5.11: the range is checked. This device server keeps no cache
 * of its own to load (the backing store's page cache is not under its control), so it answers GOOD,
 * which SBC-3 specifies for "the cache does not have sufficient capacity" rather than CONDITION
 * MET, which would claim the blocks were cached. IMMED does not change the answer.
 */
final class PreFetchHandler implements CommandHandler {

    private final BlockCdb layout;

    PreFetchHandler(BlockCdb layout) {
        this.layout = layout;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        byte[] cdb = context.cdb();
        BlockIo.checkRange(context.unit(), layout.lba(cdb), layout.length(cdb));
        return CompletableFuture.completedFuture(ScsiResult.good());
    }
}
