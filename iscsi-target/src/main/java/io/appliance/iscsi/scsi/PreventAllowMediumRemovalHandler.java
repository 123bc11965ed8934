package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * PREVENT ALLOW MEDIUM REMOVAL — SBC-3 §5.9: the medium is not removable, so preventing or
 * allowing its removal changes nothing; the command succeeds (SBC-3 allows it on any direct-access
 * device).
 */
final class PreventAllowMediumRemovalHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) {
        return CompletableFuture.completedFuture(ScsiResult.good());
    }
}
