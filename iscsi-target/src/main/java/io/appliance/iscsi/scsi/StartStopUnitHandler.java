package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * START STOP UNIT — SBC-3 §5.25: accepted and without effect (nothing to spin up or down), except
 * LOEJ 1: the medium is not removable (RMB 0 in INQUIRY), so loading or ejecting it is an invalid
 * request, which libiscsi's StartStopUnit tests expect.
 */
final class StartStopUnitHandler implements CommandHandler {

    private static final int LOEJ = 0x02;

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        if ((context.cdb()[4] & LOEJ) != 0) {
            throw SenseException.invalidFieldInCdb(4, 1);
        }
        return CompletableFuture.completedFuture(ScsiResult.good());
    }
}
