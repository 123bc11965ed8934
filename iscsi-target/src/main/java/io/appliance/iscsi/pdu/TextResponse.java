package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Text Response, RFC 7143 §11.11. A long answer is split: C=1, F=0 and a TTT the initiator echoes
 * in an empty Text Request to fetch the next part; the last part has F=1 and TTT 0xffffffff.
 */
public record TextResponse(boolean finalFlag, boolean continueFlag, long lun, int initiatorTaskTag,
                           int targetTransferTag, int statSn, int expCmdSn, int maxCmdSn, ByteBuf data)
        implements IscsiPdu {

    public TextResponse {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public Opcode opcode() {
        return Opcode.TEXT_RESPONSE;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.TEXT_RESPONSE, false);
        out.writeByte((finalFlag ? HeaderFields.FINAL_BIT : 0) | (continueFlag ? TextRequest.CONTINUE_BIT : 0));
        out.writeZero(2);
        HeaderFields.writeLengths(out, 0, data);
        out.writeLong(lun);
        out.writeInt(initiatorTaskTag);
        out.writeInt(targetTransferTag);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeZero(12);
    }

    static TextResponse decode(ByteBuf header, ByteBuf data) {
        int flags = HeaderFields.flags(header);
        return new TextResponse((flags & HeaderFields.FINAL_BIT) != 0, (flags & TextRequest.CONTINUE_BIT) != 0,
                HeaderFields.lun(header), HeaderFields.initiatorTaskTag(header), header.getInt(20),
                header.getInt(24), header.getInt(28), header.getInt(32), data);
    }
}
