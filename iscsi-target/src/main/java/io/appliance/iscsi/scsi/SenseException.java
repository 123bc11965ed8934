package io.appliance.iscsi.scsi;

/**
 * A command ends in CHECK CONDITION with this sense key and additional sense code: the one
 * exception type handlers throw (synchronously or as the cause of a failed future) for every
 * SPC-4/SBC-3 error. {@link SenseData#fixedFormat} turns it into sense bytes, in
 * {@link NexusPort} only.
 *
 * <p>The optional INFORMATION field (SPC-4 §4.5.3) carries what SBC-3 asks for (the offset of a
 * miscompare, the LBA of a medium error); the optional sense-key specific field pointer
 * (SPC-4 §4.5.2.4.2) names the offending CDB or parameter-list byte and bit.
 */
final class SenseException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final long NO_INFORMATION = -1;

    /** SPC-4 Table 45 sense keys used here. */
    static final int NOT_READY = 0x2;
    static final int MEDIUM_ERROR = 0x3;
    static final int HARDWARE_ERROR = 0x4;
    static final int ILLEGAL_REQUEST = 0x5;
    static final int UNIT_ATTENTION = 0x6;
    static final int DATA_PROTECT = 0x7;
    static final int MISCOMPARE = 0xE;

    private final int senseKey;
    private final int asc;
    private final int ascq;
    private final long information;
    private final FieldPointer fieldPointer;

    private SenseException(int senseKey, int asc, int ascq, long information, FieldPointer fieldPointer, String message) {
        super(message, null, false, false);
        this.senseKey = senseKey;
        this.asc = asc;
        this.ascq = ascq;
        this.information = information;
        this.fieldPointer = fieldPointer;
    }

    static SenseException of(int senseKey, int asc, int ascq, String message) {
        return new SenseException(senseKey, asc, ascq, NO_INFORMATION, null, message);
    }

    /** 20h/00h INVALID COMMAND OPERATION CODE. */
    static SenseException invalidOpcode(int opcode) {
        return new SenseException(ILLEGAL_REQUEST, 0x20, 0x00, NO_INFORMATION, FieldPointer.cdb(0, -1),
                "invalid command operation code " + hex(opcode));
    }

    /** 24h/00h INVALID FIELD IN CDB pointing at {@code byteOffset}, and {@code bit} when 0..7. */
    static SenseException invalidFieldInCdb(int byteOffset, int bit) {
        return new SenseException(ILLEGAL_REQUEST, 0x24, 0x00, NO_INFORMATION, FieldPointer.cdb(byteOffset, bit),
                "invalid field in CDB byte " + byteOffset + (bit >= 0 ? " bit " + bit : ""));
    }

    /** 26h/00h INVALID FIELD IN PARAMETER LIST pointing at {@code byteOffset} of the parameter data. */
    static SenseException invalidFieldInParameterList(int byteOffset, int bit) {
        return new SenseException(ILLEGAL_REQUEST, 0x26, 0x00, NO_INFORMATION,
                FieldPointer.parameterList(byteOffset, bit),
                "invalid field in parameter list byte " + byteOffset + (bit >= 0 ? " bit " + bit : ""));
    }

    /** 1Ah/00h PARAMETER LIST LENGTH ERROR. */
    static SenseException parameterListLengthError() {
        return of(ILLEGAL_REQUEST, 0x1A, 0x00, "parameter list length error");
    }

    /** 0Eh/03h INVALID FIELD IN COMMAND INFORMATION UNIT: the Data-Out does not carry what the CDB needs. */
    static SenseException invalidFieldInCommandInformationUnit() {
        return of(ILLEGAL_REQUEST, 0x0E, 0x03, "Data-Out shorter than the CDB requires");
    }

    /** 21h/00h LOGICAL BLOCK ADDRESS OUT OF RANGE (SBC-3 §4.5). */
    static SenseException lbaOutOfRange() {
        return of(ILLEGAL_REQUEST, 0x21, 0x00, "logical block address out of range");
    }

    /** 25h/00h LOGICAL UNIT NOT SUPPORTED. */
    static SenseException logicalUnitNotSupported() {
        return of(ILLEGAL_REQUEST, 0x25, 0x00, "logical unit not supported");
    }

    /** 39h/00h SAVING PARAMETERS NOT SUPPORTED. */
    static SenseException savingParametersNotSupported() {
        return of(ILLEGAL_REQUEST, 0x39, 0x00, "saving parameters not supported");
    }

    /** DATA PROTECT 27h/00h WRITE PROTECTED. */
    static SenseException writeProtected() {
        return of(DATA_PROTECT, 0x27, 0x00, "write protected");
    }

    /**
     * NOT READY 04h/0Bh LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN STANDBY STATE: the LUN's
     * device cannot serve I/O on this node now (a Secondary replicated disk), SPC-4 §5.16.
     */
    static SenseException notAccessibleStandby(Throwable cause) {
        return of(NOT_READY, 0x04, 0x0B, "logical unit not accessible, target port in standby state: " + cause.getMessage());
    }

    /** MEDIUM ERROR 11h/00h UNRECOVERED READ ERROR at {@code lba} (INFORMATION, SBC-3 §4.16). */
    static SenseException readError(long lba, Throwable cause) {
        return new SenseException(MEDIUM_ERROR, 0x11, 0x00, lba, null, "read error at LBA " + lba + ": " + cause);
    }

    /** MEDIUM ERROR 0Ch/00h WRITE ERROR at {@code lba}. */
    static SenseException writeError(long lba, Throwable cause) {
        return new SenseException(MEDIUM_ERROR, 0x0C, 0x00, lba, null, "write error at LBA " + lba + ": " + cause);
    }

    /** MISCOMPARE 1Dh/00h MISCOMPARE DURING VERIFY OPERATION; INFORMATION = offset of the first differing byte. */
    static SenseException miscompare(long offset) {
        return new SenseException(MISCOMPARE, 0x1D, 0x00, offset, null, "miscompare at byte " + offset);
    }

    /** HARDWARE ERROR 44h/00h INTERNAL TARGET FAILURE: a bug, never a client's fault. */
    static SenseException internalTargetFailure(Throwable cause) {
        return of(HARDWARE_ERROR, 0x44, 0x00, "internal target failure: " + cause);
    }

    /** UNIT ATTENTION with the condition's ASC/ASCQ. */
    static SenseException unitAttention(UnitAttention condition) {
        return of(UNIT_ATTENTION, condition.asc(), condition.ascq(), "unit attention " + condition);
    }

    int senseKey() {
        return senseKey;
    }

    int asc() {
        return asc;
    }

    int ascq() {
        return ascq;
    }

    boolean hasInformation() {
        return information != NO_INFORMATION;
    }

    long information() {
        return information;
    }

    FieldPointer fieldPointer() {
        return fieldPointer;
    }

    private static String hex(int value) {
        return String.format("%02Xh", value);
    }

    /**
     * Sense-key specific field pointer (SPC-4 §4.5.2.4.2).
     *
     * @param inCdb      C/D bit: true for a CDB byte, false for parameter data
     * @param byteOffset the byte the error is in
     * @param bit        the most significant bit of the field in error, or -1 when not given (BPV 0)
     */
    record FieldPointer(boolean inCdb, int byteOffset, int bit) {
        static FieldPointer cdb(int byteOffset, int bit) {
            return new FieldPointer(true, byteOffset, bit);
        }

        static FieldPointer parameterList(int byteOffset, int bit) {
            return new FieldPointer(false, byteOffset, bit);
        }
    }
}
