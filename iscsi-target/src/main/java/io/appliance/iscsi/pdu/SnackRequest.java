package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * SNACK Request, RFC 7143 §11.16. Only meaningful at ErrorRecoveryLevel ≥ 1; this target runs at
 * ERL 0 and answers every SNACK with a Reject.
 *
 * @param type §11.16.1: 0 Data/R2T, 1 status, 2 DataACK, 3 R-Data
 */
public record SnackRequest(int type, long lun, int initiatorTaskTag, int targetTransferTag, int expStatSn,
                           int begRun, int runLength) implements IscsiPdu {

    @Override
    public Opcode opcode() {
        return Opcode.SNACK_REQUEST;
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.SNACK_REQUEST, false);
        out.writeByte(HeaderFields.FINAL_BIT | (type & 0x0f));
        out.writeZero(2);
        HeaderFields.writeLengths(out, 0, Unpooled.EMPTY_BUFFER);
        out.writeLong(lun);
        out.writeInt(initiatorTaskTag);
        out.writeInt(targetTransferTag);
        out.writeZero(4);
        out.writeInt(expStatSn);
        out.writeZero(8);
        out.writeInt(begRun);
        out.writeInt(runLength);
    }

    static SnackRequest decode(ByteBuf header) {
        return new SnackRequest(HeaderFields.flags(header) & 0x0f, HeaderFields.lun(header),
                HeaderFields.initiatorTaskTag(header), header.getInt(20), header.getInt(28),
                header.getInt(40), header.getInt(44));
    }
}
