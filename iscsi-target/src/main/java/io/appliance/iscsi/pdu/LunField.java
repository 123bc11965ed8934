package io.appliance.iscsi.pdu;

/**
 * The 8-byte LUN field of iSCSI PDUs and the LUN number the SCSI layer uses, SAM-5 §4.7. Single
 * level peripheral device addressing (method 00b, bus 0) carries LUNs 0-255, flat space addressing
 * (01b) LUNs 0-16383; other forms are passed on unchanged, a number no LUN map contains.
 */
public final class LunField {

    private static final int PERIPHERAL_DEVICE_METHOD = 0;
    private static final int FLAT_SPACE_METHOD = 1;

    private LunField() {
    }

    public static long toLunNumber(long field) {
        int first = (int) (field >>> 56) & 0xFF;
        int second = (int) (field >>> 48) & 0xFF;
        boolean singleLevel = (field & 0xFFFF_FFFF_FFFFL) == 0;
        int method = first >>> 6;
        if (singleLevel && method == PERIPHERAL_DEVICE_METHOD && (first & 0x3f) == 0) {
            return second;
        }
        if (singleLevel && method == FLAT_SPACE_METHOD) {
            return (long) (first & 0x3f) << 8 | second;
        }
        return field;
    }

    public static long fromLunNumber(long lun) {
        if (lun < 0 || lun > 0x3FFF) {
            throw new IllegalArgumentException("LUN out of the flat space range 0..16383: " + lun);
        }
        if (lun < 256) {
            return lun << 48;
        }
        return (0x40L | (lun >>> 8)) << 56 | (lun & 0xFF) << 48;
    }
}
