package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * SYNCHRONIZE CACHE(10), (16) — SBC-3 §5.22/5.23: the range is checked, then the whole device is
 * flushed (a flush of a range is a flush of everything for a file). With IMMED the status is
 * returned once the CDB is validated and the flush runs on (SBC-3: "return status as soon as the
 * CDB has been validated").
 */
final class SynchronizeCacheHandler implements CommandHandler {

    private static final int IMMED = 0x02;

    private final BlockCdb layout;

    SynchronizeCacheHandler(BlockCdb layout) {
        this.layout = layout;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        LogicalUnit unit = context.unit();
        byte[] cdb = context.cdb();
        BlockIo.checkRange(unit, layout.lba(cdb), layout.length(cdb));
        CompletableFuture<Void> flush = unit.device().flush();
        if ((cdb[1] & IMMED) != 0) {
            return CompletableFuture.completedFuture(ScsiResult.good());
        }
        return flush.handle((done, failure) -> {
            if (failure != null) {
                throw new CompletionException(BlockIo.writeFailure(layout.lba(cdb), failure));
            }
            return ScsiResult.good();
        });
    }
}
