package io.appliance.iscsi.scsi;

/** The persistent reservation types, SPC-4 §6.15.4 Table 170, with their TYPE codes. */
enum ReservationType {
    WRITE_EXCLUSIVE(0x1, false, false, false),
    EXCLUSIVE_ACCESS(0x3, true, false, false),
    WRITE_EXCLUSIVE_REGISTRANTS_ONLY(0x5, false, true, false),
    EXCLUSIVE_ACCESS_REGISTRANTS_ONLY(0x6, true, true, false),
    WRITE_EXCLUSIVE_ALL_REGISTRANTS(0x7, false, true, true),
    EXCLUSIVE_ACCESS_ALL_REGISTRANTS(0x8, true, true, true);

    private final int code;
    private final boolean exclusiveAccess;
    private final boolean registrantsHaveAccess;
    private final boolean allRegistrantsHold;

    ReservationType(int code, boolean exclusiveAccess, boolean registrantsHaveAccess, boolean allRegistrantsHold) {
        this.code = code;
        this.exclusiveAccess = exclusiveAccess;
        this.registrantsHaveAccess = registrantsHaveAccess;
        this.allRegistrantsHold = allRegistrantsHold;
    }

    int code() {
        return code;
    }

    /** Exclusive Access types: other nexuses may not even read. */
    boolean exclusiveAccess() {
        return exclusiveAccess;
    }

    /** Registrants Only and All Registrants types: every registered nexus has full access. */
    boolean registrantsHaveAccess() {
        return registrantsHaveAccess;
    }

    /** All Registrants types: every registered nexus is a reservation holder (SPC-4 §5.13.10). */
    boolean allRegistrantsHold() {
        return allRegistrantsHold;
    }

    /** The type with this TYPE code, or null when the code names none. */
    static ReservationType byCode(int code) {
        for (ReservationType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
