package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * READ DEFECT DATA(10) and (12) — SBC-4 §5.22/§5.23. The backing store has no medium defects to
 * report, so both lists are empty: the header alone, cut to the ALLOCATION LENGTH. PLISTV and
 * GLISTV are set when the CDB asks for the PLIST (REQ_PLIST) or GLIST (REQ_GLIST): the list asked
 * for is the one returned, with no address descriptors. The DEFECT LIST FORMAT is echoed: with no
 * descriptors there is nothing a format (SBC-4 §6.2) could change. Any ADDRESS DESCRIPTOR INDEX of
 * the 12-byte CDB is at or past the end of the empty list, which §5.23.1 answers with a zero
 * length defect list.
 */
final class ReadDefectDataHandler implements CommandHandler {

    /** REQ_PLIST, REQ_GLIST, DEFECT LIST FORMAT: the same bits in the CDB and the parameter data header. */
    private static final int LIST_FLAGS_AND_FORMAT = 0x1F;
    private static final int HEADER_10 = 4;
    private static final int HEADER_12 = 8;

    private final boolean twelveByte;

    /** @param twelveByte true for READ DEFECT DATA(12), false for (10) */
    ReadDefectDataHandler(boolean twelveByte) {
        this.twelveByte = twelveByte;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) {
        byte[] cdb = context.cdb();
        byte[] header;
        long allocationLength;
        if (twelveByte) {
            // SBC-4 Tables 93/94: flags in CDB byte 1, allocation length bytes 6-9; header bytes
            // 2-3 GENERATION CODE 0 (not supported), bytes 4-7 DEFECT LIST LENGTH 0
            header = new byte[HEADER_12];
            header[1] = (byte) (cdb[1] & LIST_FLAGS_AND_FORMAT);
            allocationLength = Cdb.u32(cdb, 6);
        } else {
            // SBC-4 §5.22, Table 92: flags in CDB byte 2, allocation length bytes 7-8; header
            // bytes 2-3 DEFECT LIST LENGTH 0
            header = new byte[HEADER_10];
            header[1] = (byte) (cdb[2] & LIST_FLAGS_AND_FORMAT);
            allocationLength = Cdb.u16(cdb, 7);
        }
        return DataIn.truncated(header, allocationLength);
    }
}
