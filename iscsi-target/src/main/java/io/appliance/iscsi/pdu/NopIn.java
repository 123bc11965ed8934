package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * NOP-In, RFC 7143 §11.19: the answer to a NOP-Out ping (ITT echoed, TTT 0xffffffff) or a target
 * ping (ITT 0xffffffff, TTT chosen by the target, StatSN not advanced).
 */
public record NopIn(long lun, int initiatorTaskTag, int targetTransferTag, int statSn, int expCmdSn,
                    int maxCmdSn, ByteBuf data) implements IscsiPdu {

    public NopIn {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public Opcode opcode() {
        return Opcode.NOP_IN;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.NOP_IN, false);
        out.writeByte(HeaderFields.FINAL_BIT);
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

    static NopIn decode(ByteBuf header, ByteBuf data) {
        return new NopIn(HeaderFields.lun(header), HeaderFields.initiatorTaskTag(header),
                header.getInt(20), header.getInt(24), header.getInt(28), header.getInt(32), data);
    }
}
