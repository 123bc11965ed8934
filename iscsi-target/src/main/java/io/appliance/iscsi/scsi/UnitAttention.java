package io.appliance.iscsi.scsi;

/**
 * The unit attention conditions this device server establishes (SPC-4 §5.14, SAM-5 §5.14). The
 * declaration order is the reporting priority: when several are pending for a nexus, the first is
 * reported first.
 */
enum UnitAttention {
    /** 29h/00h POWER ON, RESET, OR BUS DEVICE RESET OCCURRED: a logical unit or target reset. */
    RESET_OCCURRED(0x29, 0x00),
    /** 2Ah/09h CAPACITY DATA HAS CHANGED. */
    CAPACITY_DATA_CHANGED(0x2A, 0x09),
    /** 2Ah/01h MODE PARAMETERS CHANGED (another nexus ran MODE SELECT). */
    MODE_PARAMETERS_CHANGED(0x2A, 0x01),
    /** 2Ah/03h RESERVATIONS PREEMPTED: a PERSISTENT RESERVE OUT CLEAR removed this nexus' registration. */
    RESERVATIONS_PREEMPTED(0x2A, 0x03),
    /** 2Ah/04h RESERVATIONS RELEASED: a Registrants Only / All Registrants reservation was released. */
    RESERVATIONS_RELEASED(0x2A, 0x04),
    /** 2Ah/05h REGISTRATIONS PREEMPTED: a PREEMPT removed this nexus' registration. */
    REGISTRATIONS_PREEMPTED(0x2A, 0x05),
    /**
     * 2Fh/00h COMMANDS CLEARED BY ANOTHER INITIATOR: a PREEMPT AND ABORT from another nexus aborted
     * this nexus' commands (TAS 0: they got no status, SAM-5 §5.6).
     */
    COMMANDS_CLEARED_BY_ANOTHER_INITIATOR(0x2F, 0x00),
    /** 3Fh/0Eh REPORTED LUNS DATA HAS CHANGED. */
    REPORTED_LUNS_DATA_CHANGED(0x3F, 0x0E);

    private final int asc;
    private final int ascq;

    UnitAttention(int asc, int ascq) {
        this.asc = asc;
        this.ascq = ascq;
    }

    int asc() {
        return asc;
    }

    int ascq() {
        return ascq;
    }

    int bit() {
        return 1 << ordinal();
    }
}
