package io.appliance.iscsi.scsi;

/**
 * The command ends in RESERVATION CONFLICT status (SAM-5 §5.3.1): the logical unit is reserved
 * through another I_T nexus (SPC-2 §5.5.1). Mapped to the status in {@link NexusPort} only.
 */
final class ReservationConflictException extends Exception {

    private static final long serialVersionUID = 1L;

    ReservationConflictException(String message) {
        super(message, null, false, false);
    }
}
