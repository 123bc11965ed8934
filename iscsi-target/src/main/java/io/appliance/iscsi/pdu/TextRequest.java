package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Text Request, RFC 7143 §11.10. C set means the text continues in the next request; a TTT other
 * than 0xffffffff continues a negotiation the target has answered partially.
 */
public record TextRequest(boolean immediate, boolean finalFlag, boolean continueFlag, long lun,
                          int initiatorTaskTag, int targetTransferTag, int cmdSn, int expStatSn,
                          ByteBuf data) implements IscsiPdu {

    static final int CONTINUE_BIT = 0x40;

    public TextRequest {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public Opcode opcode() {
        return Opcode.TEXT_REQUEST;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.TEXT_REQUEST, immediate);
        out.writeByte((finalFlag ? HeaderFields.FINAL_BIT : 0) | (continueFlag ? CONTINUE_BIT : 0));
        out.writeZero(2);
        HeaderFields.writeLengths(out, 0, data);
        out.writeLong(lun);
        out.writeInt(initiatorTaskTag);
        out.writeInt(targetTransferTag);
        out.writeInt(cmdSn);
        out.writeInt(expStatSn);
        out.writeZero(16);
    }

    static TextRequest decode(ByteBuf header, ByteBuf data) {
        int flags = HeaderFields.flags(header);
        return new TextRequest(HeaderFields.immediate(header), (flags & HeaderFields.FINAL_BIT) != 0,
                (flags & CONTINUE_BIT) != 0, HeaderFields.lun(header), HeaderFields.initiatorTaskTag(header),
                header.getInt(20), header.getInt(24), header.getInt(28), data);
    }
}
