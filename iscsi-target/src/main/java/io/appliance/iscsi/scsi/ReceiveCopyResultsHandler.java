package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * RECEIVE COPY RESULTS — SPC-3 §6.18 (SPC-4 §6.20, LID1 service actions): COPY STATUS (00h) of a
 * copy whose status the {@link CopyManager} holds for this nexus port, and OPERATING PARAMETERS
 * (03h) with the limits {@link ExtendedCopyHandler} enforces. A LIST IDENTIFIER with no held
 * status is INVALID FIELD IN CDB. RECEIVE DATA (01h) and FAILED SEGMENT DETAILS (04h) are not
 * supported (no held data is ever produced) and are answered by the dispatch table as invalid.
 */
final class ReceiveCopyResultsHandler implements CommandHandler {

    static final int COPY_STATUS = 0x00;
    static final int OPERATING_PARAMETERS = 0x03;

    private static final int LIST_IDENTIFIER_OFFSET = 2;
    private static final int ALLOCATION_LENGTH_OFFSET = 10;

    private final CopyManager copies;

    ReceiveCopyResultsHandler(CopyManager copies) {
        this.copies = copies;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        byte[] cdb = context.cdb();
        long allocationLength = Cdb.u32(cdb, ALLOCATION_LENGTH_OFFSET);
        int serviceAction = cdb[1] & 0x1F;
        byte[] data = switch (serviceAction) {
            case COPY_STATUS -> copyStatus(context.port(), Cdb.u8(cdb, LIST_IDENTIFIER_OFFSET));
            case OPERATING_PARAMETERS -> operatingParameters(context.unit());
            default -> throw SenseException.invalidFieldInCdb(1, 4);
        };
        return DataIn.truncated(data, allocationLength);
    }

    /** COPY STATUS parameter data, SPC-3 Table 110; the transfer count in bytes (units 00h). */
    private byte[] copyStatus(NexusPort port, int listId) throws SenseException {
        CopyManager.CopyStatus status = copies.status(port, listId);
        if (status == null) {
            throw SenseException.invalidFieldInCdb(LIST_IDENTIFIER_OFFSET, -1);
        }
        byte[] data = new byte[12];
        Cdb.putInt(data, 0, data.length - 4);
        data[4] = (byte) status.status();
        Cdb.putShort(data, 5, Math.min(status.segmentsProcessed(), 0xFFFF));
        long count = status.bytesCopied();
        int units = 0;
        while (count > 0xFFFF_FFFFL) {
            count >>>= 10;
            units++;
        }
        data[7] = (byte) units;
        Cdb.putInt(data, 8, count);
        return data;
    }

    /** OPERATING PARAMETERS parameter data, SPC-3 Table 113. */
    private static byte[] operatingParameters(LogicalUnit unit) {
        int[] implementedDescriptors = {ExtendedCopyHandler.BLOCK_TO_BLOCK, ExtendedCopyHandler.IDENTIFICATION_DESCRIPTOR};
        byte[] data = new byte[44 + implementedDescriptors.length];
        Cdb.putInt(data, 0, data.length - 4);
        data[4] = 0; // SNLID 0: every EXTENDED COPY carries a list identifier
        Cdb.putShort(data, 8, CopyManager.MAX_TARGET_DESCRIPTORS);
        Cdb.putShort(data, 10, CopyManager.MAX_SEGMENT_DESCRIPTORS);
        Cdb.putInt(data, 12, CopyManager.MAX_DESCRIPTOR_LIST_LENGTH);
        Cdb.putInt(data, 16, (long) CopyManager.MAX_SEGMENT_BLOCKS * unit.blockSize()); // MAXIMUM SEGMENT LENGTH
        Cdb.putInt(data, 20, 0); // MAXIMUM INLINE DATA LENGTH
        Cdb.putInt(data, 24, 0); // HELD DATA LIMIT
        Cdb.putInt(data, 28, 0); // MAXIMUM STREAM DEVICE TRANSFER SIZE
        Cdb.putShort(data, 34, CopyManager.MAX_CONCURRENT_COPIES); // TOTAL CONCURRENT COPIES
        data[36] = (byte) CopyManager.MAX_CONCURRENT_COPIES;
        data[37] = (byte) Integer.numberOfTrailingZeros(unit.blockSize()); // DATA SEGMENT GRANULARITY (log2)
        data[43] = (byte) implementedDescriptors.length;
        for (int i = 0; i < implementedDescriptors.length; i++) {
            data[44 + i] = (byte) implementedDescriptors[i];
        }
        return data;
    }
}
