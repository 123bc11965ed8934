package io.appliance.iscsi.pdu;

import java.util.Objects;

/**
 * What the decoder emits instead of a PDU it could not accept: the session answers with a Reject
 * carrying {@link #header()} and, when {@link #connectionFatal()}, closes the connection because
 * the byte stream can no longer be framed (RFC 7143 §7.8 header digest error at ERL 0, a data
 * segment over MaxRecvDataSegmentLength).
 *
 * @param header the 48-byte BHS as received (for the Reject data segment, §11.17)
 * @param reason the Reject reason code
 * @param connectionFatal whether framing is lost and the connection must be closed
 * @param detail a short human-readable cause for the log
 */
public record InvalidPdu(byte[] header, RejectReason reason, boolean connectionFatal, String detail) {

    public InvalidPdu {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        if (header.length != HeaderFields.BHS_LENGTH) {
            throw new IllegalArgumentException("a BHS is 48 bytes: " + header.length);
        }
    }

    /** The opcode of the rejected PDU, or null when the value is undefined. */
    public Opcode opcode() {
        return Opcode.fromCode(header[0]);
    }

    public int initiatorTaskTag() {
        return intAt(HeaderFields.OFFSET_INITIATOR_TASK_TAG);
    }

    /** The F bit (byte 1, bit 7) of the rejected BHS. */
    public boolean finalFlag() {
        return (header[HeaderFields.OFFSET_FLAGS] & HeaderFields.FINAL_BIT) != 0;
    }

    /** The Target Transfer Tag field (bytes 20-23) of PDUs that have one (Data-Out, NOP-Out, Text). */
    public int targetTransferTag() {
        return intAt(20);
    }

    /** The 32-bit field at {@code offset} of the rejected BHS, big-endian. */
    public int intAt(int offset) {
        return (header[offset] & 0xFF) << 24 | (header[offset + 1] & 0xFF) << 16
                | (header[offset + 2] & 0xFF) << 8 | (header[offset + 3] & 0xFF);
    }

    @Override
    public String toString() {
        return "InvalidPdu[" + opcode() + ", " + reason + (connectionFatal ? ", fatal" : "") + ": " + detail + "]";
    }
}
