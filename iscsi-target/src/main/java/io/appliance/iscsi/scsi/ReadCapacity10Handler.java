package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * READ CAPACITY(10) — SBC-3 §5.18: the last LBA (FFFFFFFFh when it does not fit, telling the
 * initiator to use READ CAPACITY(16)) and the block length. The obsolete LBA field must be 0 when
 * PMI is 0 (SBC-2 §5.10, kept by SBC-3 as obsolete); PMI 1 returns the same answer, there being
 * no point where a delay is incurred.
 */
final class ReadCapacity10Handler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        byte[] cdb = context.cdb();
        boolean partialMediumIndicator = (cdb[8] & 0x01) != 0;
        if (!partialMediumIndicator && Cdb.u32(cdb, 2) != 0) {
            throw SenseException.invalidFieldInCdb(2, -1);
        }
        LogicalUnit unit = context.unit();
        long lastLba = unit.capacityBlocks() - 1;
        byte[] data = new byte[8];
        Cdb.putInt(data, 0, Math.min(lastLba, 0xFFFF_FFFFL));
        Cdb.putInt(data, 4, unit.blockSize());
        return DataIn.truncated(data, data.length);
    }
}
