package io.appliance.iscsi.scsi;

/**
 * Where the LOGICAL BLOCK ADDRESS and TRANSFER LENGTH (or NUMBER OF LOGICAL BLOCKS) fields sit in
 * the 6-, 10-, 12- and 16-byte CDBs of SBC-3's block commands (Tables 42, 45, 47, 50 and the
 * VERIFY, WRITE AND VERIFY, PRE-FETCH and SYNCHRONIZE CACHE tables, which share the layouts).
 */
enum BlockCdb {
    /** READ(6)/WRITE(6), SBC-3 §5.13/§5.32: 21-bit LBA in bytes 1-3, length in byte 4 (0 means 256). */
    SIX(6, 4),
    /** 10-byte CDBs: LBA bytes 2-5, length bytes 7-8. */
    TEN(10, 7),
    /** 12-byte CDBs: LBA bytes 2-5, length bytes 6-9. */
    TWELVE(12, 6),
    /** 16-byte CDBs: LBA bytes 2-9, length bytes 10-13. */
    SIXTEEN(16, 10);

    private final int cdbLength;
    private final int lengthOffset;

    BlockCdb(int cdbLength, int lengthOffset) {
        this.cdbLength = cdbLength;
        this.lengthOffset = lengthOffset;
    }

    int cdbLength() {
        return cdbLength;
    }

    /** Offset of the transfer length field, for the field pointer of INVALID FIELD IN CDB. */
    int lengthOffset() {
        return lengthOffset;
    }

    /** The LBA; a 64-bit LBA of 2^63 or more comes back negative, which every range check rejects. */
    long lba(byte[] cdb) {
        return switch (this) {
            case SIX -> Cdb.u24(cdb, 1) & 0x1F_FFFF;
            case TEN, TWELVE -> Cdb.u32(cdb, 2);
            case SIXTEEN -> Cdb.u64(cdb, 2);
        };
    }

    /** The transfer length in blocks as written; READ(6)/WRITE(6) callers map 0 to 256 themselves. */
    long length(byte[] cdb) {
        return switch (this) {
            case SIX -> Cdb.u8(cdb, 4);
            case TEN -> Cdb.u16(cdb, 7);
            case TWELVE, SIXTEEN -> Cdb.u32(cdb, lengthOffset);
        };
    }
}
