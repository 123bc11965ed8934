package io.appliance.iscsi.session;

/**
 * Fixed-format sense data (SPC-4 §4.5.3) for commands the transport itself ends with CHECK
 * CONDITION, before or instead of the SCSI layer (RFC 7143 §11.4.3, §11.17.3).
 */
enum TransportSense {
    /** ABORTED COMMAND, DATA OFFSET ERROR (4Bh/05h): Data-Out DataSN or offset out of sequence. */
    DATA_OFFSET_ERROR(0x0B, 0x4B, 0x05),
    /** ABORTED COMMAND, TOO MUCH WRITE DATA (4Bh/02h): more Data-Out than the command allows. */
    TOO_MUCH_WRITE_DATA(0x0B, 0x4B, 0x02),
    /** ABORTED COMMAND, PROTOCOL SERVICE CRC ERROR (47h/05h): a Data-Out failed its digest. */
    DATA_DIGEST_ERROR(0x0B, 0x47, 0x05),
    /** ABORTED COMMAND, WRITE ERROR - UNEXPECTED UNSOLICITED DATA (0Ch/0Ch). */
    UNEXPECTED_UNSOLICITED_DATA(0x0B, 0x0C, 0x0C),
    /** ILLEGAL REQUEST, INVALID FIELD IN CDB (24h/00h): transfer too long or bidirectional. */
    INVALID_FIELD_IN_CDB(0x05, 0x24, 0x00);

    private static final int FIXED_FORMAT_CURRENT = 0x70;
    private static final int FIXED_FORMAT_LENGTH = 18;

    private final int senseKey;
    private final int additionalSenseCode;
    private final int additionalSenseCodeQualifier;

    TransportSense(int senseKey, int additionalSenseCode, int additionalSenseCodeQualifier) {
        this.senseKey = senseKey;
        this.additionalSenseCode = additionalSenseCode;
        this.additionalSenseCodeQualifier = additionalSenseCodeQualifier;
    }

    byte[] senseData() {
        byte[] sense = new byte[FIXED_FORMAT_LENGTH];
        sense[0] = (byte) FIXED_FORMAT_CURRENT;
        sense[2] = (byte) senseKey;
        sense[7] = (byte) (FIXED_FORMAT_LENGTH - 8);
        sense[12] = (byte) additionalSenseCode;
        sense[13] = (byte) additionalSenseCodeQualifier;
        return sense;
    }
}
