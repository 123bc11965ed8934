package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * READ CAPACITY(16), service action 10h of SERVICE ACTION IN(16) — SBC-3 §5.17, Table 65:
 * last LBA, block length, no protection (P_TYPE/PROT_EN 0), LOGICAL BLOCKS PER PHYSICAL BLOCK
 * EXPONENT for the 4 KiB physical block, LBPME and LBPRZ 1 when the unit is thin provisioned
 * ({@link ThinProvisioning#enabled}; the Logical Block Provisioning VPD page says the same),
 * lowest aligned LBA 0.
 */
final class ReadCapacity16Handler implements CommandHandler {

    private static final int PARAMETER_DATA_LENGTH = 32;

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        byte[] cdb = context.cdb();
        boolean partialMediumIndicator = (cdb[14] & 0x01) != 0;
        if (!partialMediumIndicator && Cdb.u64(cdb, 2) != 0) {
            throw SenseException.invalidFieldInCdb(2, -1);
        }
        LogicalUnit unit = context.unit();
        byte[] data = new byte[PARAMETER_DATA_LENGTH];
        Cdb.putLong(data, 0, unit.capacityBlocks() - 1);
        Cdb.putInt(data, 8, unit.blockSize());
        data[13] = (byte) unit.logicalBlocksPerPhysicalBlockExponent();
        if (ThinProvisioning.enabled(unit)) {
            data[14] = (byte) 0xC0; // SBC-3 Table 65: LBPME 1, LBPRZ 1
        }
        return DataIn.truncated(data, Cdb.u32(cdb, 10));
    }
}
