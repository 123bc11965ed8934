package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * REQUEST SENSE — SPC-4 §6.39. Sense of failed commands is delivered with their status
 * (autosense), so the only sense that can be pending is a unit attention: it is returned as
 * parameter data and cleared. For a LUN with no logical unit the data is ILLEGAL REQUEST /
 * LOGICAL UNIT NOT SUPPORTED with GOOD status (SPC-4 §6.39.2). DESC 1 (descriptor format) is
 * refused by the CDB usage check.
 */
final class RequestSenseHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) {
        int allocationLength = Cdb.u8(context.cdb(), 4);
        LogicalUnit unit = context.unit();
        byte[] sense;
        if (unit == null) {
            sense = SenseData.fixedFormat(SenseException.logicalUnitNotSupported());
        } else {
            UnitAttention attention = context.nexusState().take(unit);
            sense = attention == null
                    ? SenseData.noSense()
                    : SenseData.fixedFormat(SenseException.unitAttention(attention));
        }
        return DataIn.truncated(sense, allocationLength);
    }
}
