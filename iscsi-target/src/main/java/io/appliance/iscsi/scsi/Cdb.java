package io.appliance.iscsi.scsi;

/** Big-endian field access on CDBs and parameter data at explicit offsets (SPC-4 §4.2.1). */
final class Cdb {

    private Cdb() {
    }

    static int u8(byte[] b, int offset) {
        return b[offset] & 0xFF;
    }

    static int u16(byte[] b, int offset) {
        return (b[offset] & 0xFF) << 8 | (b[offset + 1] & 0xFF);
    }

    static int u24(byte[] b, int offset) {
        return (b[offset] & 0xFF) << 16 | (b[offset + 1] & 0xFF) << 8 | (b[offset + 2] & 0xFF);
    }

    static long u32(byte[] b, int offset) {
        return ((long) (b[offset] & 0xFF) << 24) | (b[offset + 1] & 0xFF) << 16
                | (b[offset + 2] & 0xFF) << 8 | (b[offset + 3] & 0xFF);
    }

    /** 64-bit field; values of 2^63 and above come back negative (callers treat them as out of range). */
    static long u64(byte[] b, int offset) {
        return u32(b, offset) << 32 | u32(b, offset + 4);
    }

    static boolean bit(byte[] b, int offset, int bit) {
        return (b[offset] & (1 << bit)) != 0;
    }

    static void putShort(byte[] b, int offset, int value) {
        b[offset] = (byte) (value >>> 8);
        b[offset + 1] = (byte) value;
    }

    static void putInt(byte[] b, int offset, long value) {
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
    }

    static void putLong(byte[] b, int offset, long value) {
        putInt(b, offset, value >>> 32);
        putInt(b, offset + 4, value);
    }

    /** Copies {@code text} as ASCII into {@code length} bytes at {@code offset}, padded with spaces (SPC-4 §4.3.1). */
    static void putAscii(byte[] b, int offset, int length, String text) {
        for (int i = 0; i < length; i++) {
            b[offset + i] = i < text.length() ? (byte) text.charAt(i) : (byte) ' ';
        }
    }
}
