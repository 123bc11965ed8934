package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Reject, RFC 7143 §11.17. The data segment is the complete header (BHS) of the rejected PDU.
 */
public record Reject(RejectReason reason, int statSn, int expCmdSn, int maxCmdSn, int dataSnOrR2tSn,
                     ByteBuf data) implements IscsiPdu {

    public Reject {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public Opcode opcode() {
        return Opcode.REJECT;
    }

    @Override
    public int initiatorTaskTag() {
        return RESERVED_TAG;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.REJECT, false);
        out.writeByte(HeaderFields.FINAL_BIT);
        out.writeByte(reason.code());
        out.writeByte(0);
        HeaderFields.writeLengths(out, 0, data);
        out.writeZero(8);
        out.writeInt(RESERVED_TAG);
        out.writeZero(4);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeInt(dataSnOrR2tSn);
        out.writeZero(8);
    }

    static Reject decode(ByteBuf header, ByteBuf data) {
        return new Reject(RejectReason.fromCode(header.getUnsignedByte(2)), header.getInt(24),
                header.getInt(28), header.getInt(32), header.getInt(36), data);
    }
}
