package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * Fields every BHS has in the same place (RFC 7143 §11.2.1): byte 0 (I bit and opcode), byte 1
 * (opcode-specific flags), TotalAHSLength at byte 4, DataSegmentLength at bytes 5-7, the Initiator
 * Task Tag at bytes 16-19. Reads use absolute indexes on a header slice that starts at the BHS;
 * writes append in wire order.
 */
final class HeaderFields {

    static final int BHS_LENGTH = 48;
    static final int IMMEDIATE_BIT = 0x40;
    static final int FINAL_BIT = 0x80;
    static final int OFFSET_FLAGS = 1;
    static final int OFFSET_TOTAL_AHS_LENGTH = 4;
    static final int OFFSET_DATA_SEGMENT_LENGTH = 5;
    static final int OFFSET_LUN = 8;
    static final int OFFSET_INITIATOR_TASK_TAG = 16;

    private HeaderFields() {
    }

    static void writeOpcode(ByteBuf out, Opcode opcode, boolean immediate) {
        out.writeByte((immediate ? IMMEDIATE_BIT : 0) | opcode.code());
    }

    /** TotalAHSLength in 4-byte words, then the 24-bit DataSegmentLength (without padding). */
    static void writeLengths(ByteBuf out, int totalAhsWords, ByteBuf data) {
        out.writeByte(totalAhsWords);
        out.writeMedium(data.readableBytes());
    }

    static boolean immediate(ByteBuf bhs) {
        return (bhs.getByte(0) & IMMEDIATE_BIT) != 0;
    }

    static int flags(ByteBuf bhs) {
        return bhs.getUnsignedByte(OFFSET_FLAGS);
    }

    static boolean flag(ByteBuf bhs, int mask) {
        return (flags(bhs) & mask) != 0;
    }

    static int totalAhsWords(ByteBuf bhs) {
        return bhs.getUnsignedByte(OFFSET_TOTAL_AHS_LENGTH);
    }

    static int dataSegmentLength(ByteBuf bhs) {
        return bhs.getUnsignedMedium(OFFSET_DATA_SEGMENT_LENGTH);
    }

    static long lun(ByteBuf bhs) {
        return bhs.getLong(OFFSET_LUN);
    }

    static int initiatorTaskTag(ByteBuf bhs) {
        return bhs.getInt(OFFSET_INITIATOR_TASK_TAG);
    }

    static Opcode opcode(ByteBuf bhs) {
        return Opcode.fromCode(bhs.getByte(0));
    }
}
