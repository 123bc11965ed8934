package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * RESERVE(6) and RESERVE(10) — SPC-2 §7.21/7.22: reserves the whole logical unit for this nexus;
 * again from the holder succeeds, from another nexus ends in RESERVATION CONFLICT. Extents and
 * third-party reservations are refused by the CDB usage check.
 */
final class ReserveHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws ReservationConflictException {
        if (!context.unit().reserve(context.nexus())) {
            throw new ReservationConflictException("logical unit reserved by another nexus");
        }
        return CompletableFuture.completedFuture(ScsiResult.good());
    }
}
