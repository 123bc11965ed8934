package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * NOP-Out, RFC 7143 §11.18: a ping from the initiator (ITT valid, answered with a NOP-In) or the
 * answer to a target ping (ITT 0xffffffff, TTT echoing the NOP-In's).
 */
public record NopOut(boolean immediate, long lun, int initiatorTaskTag, int targetTransferTag,
                     int cmdSn, int expStatSn, ByteBuf data) implements IscsiPdu {

    public NopOut {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public Opcode opcode() {
        return Opcode.NOP_OUT;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.NOP_OUT, immediate);
        out.writeByte(HeaderFields.FINAL_BIT);
        out.writeZero(2);
        HeaderFields.writeLengths(out, 0, data);
        out.writeLong(lun);
        out.writeInt(initiatorTaskTag);
        out.writeInt(targetTransferTag);
        out.writeInt(cmdSn);
        out.writeInt(expStatSn);
        out.writeZero(16);
    }

    static NopOut decode(ByteBuf header, ByteBuf data) {
        return new NopOut(HeaderFields.immediate(header), HeaderFields.lun(header),
                HeaderFields.initiatorTaskTag(header), header.getInt(20), header.getInt(24),
                header.getInt(28), data);
    }
}
