package io.appliance.iscsi.scsi;

/** Encodes fixed-format sense data (SPC-4 §4.5.3, Table 48). Descriptor format is not offered (D_SENSE 0). */
final class SenseData {

    /** Bytes of fixed-format sense data produced: 18 (additional sense length 10). */
    static final int LENGTH = 18;
    private static final int CURRENT_ERRORS_FIXED = 0x70;

    private SenseData() {
    }

    static byte[] fixedFormat(SenseException e) {
        byte[] sense = new byte[LENGTH];
        sense[0] = (byte) CURRENT_ERRORS_FIXED;
        sense[2] = (byte) (e.senseKey() & 0x0F);
        // INFORMATION is 4 bytes in fixed format: VALID only when the value fits (SPC-4 §4.5.3)
        if (e.hasInformation() && e.information() >= 0 && e.information() <= 0xFFFF_FFFFL) {
            sense[0] |= (byte) 0x80;
            Cdb.putInt(sense, 3, e.information());
        }
        sense[7] = (byte) (LENGTH - 8);
        sense[12] = (byte) e.asc();
        sense[13] = (byte) e.ascq();
        SenseException.FieldPointer pointer = e.fieldPointer();
        if (pointer != null) {
            // SKSV | C/D | BPV | BIT POINTER, then FIELD POINTER (SPC-4 Table 53)
            int flags = 0x80;
            if (pointer.inCdb()) {
                flags |= 0x40;
            }
            if (pointer.bit() >= 0) {
                flags |= 0x08 | (pointer.bit() & 0x07);
            }
            sense[15] = (byte) flags;
            Cdb.putShort(sense, 16, pointer.byteOffset());
        }
        return sense;
    }

    /** NO SENSE (REQUEST SENSE when nothing is pending). */
    static byte[] noSense() {
        byte[] sense = new byte[LENGTH];
        sense[0] = (byte) CURRENT_ERRORS_FIXED;
        sense[7] = (byte) (LENGTH - 8);
        return sense;
    }
}
