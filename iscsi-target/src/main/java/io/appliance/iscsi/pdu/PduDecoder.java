package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames and decodes iSCSI PDUs (RFC 7143 §11.2) as an explicit state machine:
 * <pre>
 *   BASIC_HEADER ──48 bytes──▶ lengths checked against the limits, nothing allocated yet
 *        │                      (over the limit: fatal InvalidPdu, FAILED)
 *        ▼
 *   HEADER_DIGEST ──BHS+AHS+4──▶ CRC32C checked when negotiated (mismatch: fatal, FAILED)
 *        │
 *        ▼
 *   WHOLE_PDU ──whole frame──▶ data digest checked, typed PDU or non-fatal InvalidPdu emitted
 *        │
 *        └──▶ BASIC_HEADER
 *   FAILED: framing is lost; every further byte is discarded until the connection closes.
 * </pre>
 * The data segment of an emitted PDU is a retained slice of the received bytes (no copy). Limits
 * and digests are changed by the connection, on its event loop, between PDUs.
 *
 * <p>Not sharable: one instance per connection.
 */
public final class PduDecoder extends ByteToMessageDecoder {

    /** RFC 7143 §13.12: MaxRecvDataSegmentLength before it is negotiated (the login phase). */
    public static final int DEFAULT_MAX_DATA_SEGMENT_LENGTH = 8192;

    private static final int DIGEST_LENGTH = 4;

    private enum State { BASIC_HEADER, HEADER_DIGEST, WHOLE_PDU, FAILED }

    private final boolean acceptInitiatorOpcodes;
    private int maxDataSegmentLength;
    private boolean headerDigest;
    private boolean dataDigest;

    private State state = State.BASIC_HEADER;
    private int headerLength;
    private int dataLength;
    private int frameLength;

    private PduDecoder(boolean acceptInitiatorOpcodes, int maxDataSegmentLength) {
        this.acceptInitiatorOpcodes = acceptInitiatorOpcodes;
        maxDataSegmentLength(maxDataSegmentLength);
    }

    /** A target's decoder: accepts initiator opcodes only. */
    public static PduDecoder forTarget(int maxDataSegmentLength) {
        return new PduDecoder(true, maxDataSegmentLength);
    }

    /** An initiator's decoder (tests, tools): accepts target opcodes only. */
    public static PduDecoder forInitiator(int maxDataSegmentLength) {
        return new PduDecoder(false, maxDataSegmentLength);
    }

    /** The largest data segment accepted; a longer one loses framing and fails the connection. */
    public void maxDataSegmentLength(int bytes) {
        if (bytes < 1 || bytes > 0xFFFFFF) {
            throw new IllegalArgumentException("MaxRecvDataSegmentLength out of range: " + bytes);
        }
        this.maxDataSegmentLength = bytes;
    }

    /** Switches digests on or off for the next PDU (RFC 7143 §13.1: from the first FFP PDU). */
    public void digests(boolean header, boolean data) {
        this.headerDigest = header;
        this.dataDigest = data;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.FAILED) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (state == State.BASIC_HEADER) {
            if (in.readableBytes() < HeaderFields.BHS_LENGTH) {
                return;
            }
            int start = in.readerIndex();
            headerLength = HeaderFields.BHS_LENGTH + in.getUnsignedByte(start + HeaderFields.OFFSET_TOTAL_AHS_LENGTH) * 4;
            dataLength = in.getUnsignedMedium(start + HeaderFields.OFFSET_DATA_SEGMENT_LENGTH);
            if (dataLength > maxDataSegmentLength) {
                // §13.12: a segment over MaxRecvDataSegmentLength; nothing after it is trusted
                fail(in, out, RejectReason.PROTOCOL_ERROR,
                        "data segment " + dataLength + " > MaxRecvDataSegmentLength " + maxDataSegmentLength);
                return;
            }
            frameLength = headerLength + (headerDigest ? DIGEST_LENGTH : 0) + pad4(dataLength)
                    + (dataDigest && dataLength > 0 ? DIGEST_LENGTH : 0);
            state = State.HEADER_DIGEST;
        }
        if (state == State.HEADER_DIGEST) {
            if (headerDigest) {
                if (in.readableBytes() < headerLength + DIGEST_LENGTH) {
                    return;
                }
                int start = in.readerIndex();
                if (Crc32c.of(in, start, headerLength, 0) != Crc32c.read(in, start + headerLength)) {
                    // §7.8: a header digest error at ERL 0 ends the connection
                    fail(in, out, RejectReason.PROTOCOL_ERROR, "header digest mismatch");
                    return;
                }
            }
            state = State.WHOLE_PDU;
        }
        if (in.readableBytes() < frameLength) {
            return;
        }
        state = State.BASIC_HEADER;
        out.add(decodeFrame(in));
    }

    private Object decodeFrame(ByteBuf in) {
        ByteBuf header = in.readSlice(headerLength);
        if (headerDigest) {
            in.skipBytes(DIGEST_LENGTH);
        }
        int padding = pad4(dataLength) - dataLength;
        boolean dataDigestValid = true;
        if (dataDigest && dataLength > 0) {
            int digestIndex = in.readerIndex() + dataLength + padding;
            dataDigestValid = Crc32c.of(in, in.readerIndex(), dataLength, padding) == Crc32c.read(in, digestIndex);
        }
        if (!dataDigestValid) {
            in.skipBytes(dataLength + padding + DIGEST_LENGTH);
            // §7.8: the PDU is discarded and rejected; framing is intact
            return invalid(header, RejectReason.DATA_DIGEST_ERROR, false, "data digest mismatch");
        }
        Opcode opcode = HeaderFields.opcode(header);
        if (opcode == null || opcode.fromInitiator() != acceptInitiatorOpcodes) {
            in.skipBytes(dataLength + padding + (dataDigest && dataLength > 0 ? DIGEST_LENGTH : 0));
            // §11.17.1: an opcode this end does not implement
            return invalid(header, RejectReason.COMMAND_NOT_SUPPORTED, false,
                    "opcode 0x" + Integer.toHexString(header.getByte(0) & 0x3f));
        }
        ByteBuf data = dataLength == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(dataLength);
        in.skipBytes(padding + (dataDigest && dataLength > 0 ? DIGEST_LENGTH : 0));
        try {
            return parse(opcode, header, data);
        } catch (MalformedPduException e) {
            data.release();
            return invalid(header, e.reason(), false, e.getMessage());
        }
    }

    private static IscsiPdu parse(Opcode opcode, ByteBuf header, ByteBuf data) throws MalformedPduException {
        return switch (opcode) {
            case NOP_OUT -> NopOut.decode(header, data);
            case SCSI_COMMAND -> ScsiCommandPdu.decode(header, data);
            case TASK_MANAGEMENT_REQUEST -> TaskManagementRequest.decode(headerOnly(header, data));
            case LOGIN_REQUEST -> LoginRequest.decode(header, data);
            case TEXT_REQUEST -> TextRequest.decode(header, data);
            case SCSI_DATA_OUT -> DataOut.decode(header, data);
            case LOGOUT_REQUEST -> LogoutRequest.decode(headerOnly(header, data));
            case SNACK_REQUEST -> SnackRequest.decode(headerOnly(header, data));
            case NOP_IN -> NopIn.decode(header, data);
            case SCSI_RESPONSE -> ScsiResponsePdu.decode(header, data);
            case TASK_MANAGEMENT_RESPONSE -> TaskManagementResponse.decode(headerOnly(header, data));
            case LOGIN_RESPONSE -> LoginResponse.decode(header, data);
            case TEXT_RESPONSE -> TextResponse.decode(header, data);
            case SCSI_DATA_IN -> DataIn.decode(header, data);
            case LOGOUT_RESPONSE -> LogoutResponse.decode(headerOnly(header, data));
            case READY_TO_TRANSFER -> ReadyToTransfer.decode(headerOnly(header, data));
            case ASYNC_MESSAGE -> AsyncMessage.decode(header, data);
            case REJECT -> Reject.decode(header, data);
        };
    }

    /** §11.5.5, §11.14.5 and others: these PDUs carry no data segment. */
    private static ByteBuf headerOnly(ByteBuf header, ByteBuf data) throws MalformedPduException {
        if (data.isReadable()) {
            throw new MalformedPduException(RejectReason.INVALID_PDU_FIELD,
                    "unexpected data segment on " + HeaderFields.opcode(header));
        }
        return header;
    }

    private void fail(ByteBuf in, List<Object> out, RejectReason reason, String detail) {
        state = State.FAILED;
        out.add(invalid(in.slice(in.readerIndex(), HeaderFields.BHS_LENGTH), reason, true, detail));
        in.skipBytes(in.readableBytes());
    }

    private static InvalidPdu invalid(ByteBuf header, RejectReason reason, boolean fatal, String detail) {
        return new InvalidPdu(ByteBufUtil.getBytes(header, header.readerIndex(), HeaderFields.BHS_LENGTH),
                reason, fatal, detail);
    }

    private static int pad4(int length) {
        return (length + 3) & ~3;
    }
}
