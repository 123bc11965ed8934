package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * RELEASE(6) and RELEASE(10) — SPC-2 §7.17/7.18: releases the holder's reservation; from a nexus
 * that does not hold it, the command succeeds and changes nothing.
 */
final class ReleaseHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) {
        context.unit().release(context.nexus());
        return CompletableFuture.completedFuture(ScsiResult.good());
    }
}
