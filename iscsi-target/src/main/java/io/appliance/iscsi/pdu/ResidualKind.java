package io.appliance.iscsi.pdu;

/** The O and U bits of SCSI Response and Data-In, RFC 7143 §11.4.5. */
public enum ResidualKind {
    NONE, OVERFLOW, UNDERFLOW;

    static final int OVERFLOW_BIT = 0x04;
    static final int UNDERFLOW_BIT = 0x02;

    int bits() {
        return switch (this) {
            case NONE -> 0;
            case OVERFLOW -> OVERFLOW_BIT;
            case UNDERFLOW -> UNDERFLOW_BIT;
        };
    }

    static ResidualKind fromBits(int flags) {
        if ((flags & OVERFLOW_BIT) != 0) {
            return OVERFLOW;
        }
        return (flags & UNDERFLOW_BIT) != 0 ? UNDERFLOW : NONE;
    }
}
