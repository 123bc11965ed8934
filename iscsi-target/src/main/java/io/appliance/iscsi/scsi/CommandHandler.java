package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * Executes one SCSI operation (one opcode, or one family sharing a CDB layout).
 *
 * <p>Contract: called after the dispatcher has checked the LUN, unit attentions, the CDB's
 * reserved bits against the command's CDB usage data and the reservation. Never blocks: I/O goes
 * through the {@link io.appliance.iscsi.block.BlockDevice}'s futures. Errors are reported by
 * throwing {@link SenseException} / {@link ReservationConflictException}, or by completing the
 * future with them; anything else is a bug and becomes HARDWARE ERROR. A Data-In buffer the
 * handler allocated is released by the handler itself on every failure path.
 */
@FunctionalInterface
interface CommandHandler {

    CompletableFuture<ScsiResult> execute(CommandContext context)
            throws SenseException, ReservationConflictException;
}
