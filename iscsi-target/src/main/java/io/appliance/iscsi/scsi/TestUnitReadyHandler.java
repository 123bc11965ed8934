package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/** TEST UNIT READY — SPC-4 §6.47: the unit is always ready (no removable medium, no spin-up). */
final class TestUnitReadyHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) {
        return CompletableFuture.completedFuture(ScsiResult.good());
    }
}
