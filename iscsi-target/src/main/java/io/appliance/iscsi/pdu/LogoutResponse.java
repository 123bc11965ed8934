package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Logout Response, RFC 7143 §11.15.
 *
 * @param response §11.15.1: 0 closed successfully, 1 CID not found, 2 connection recovery not
 *                 supported, 3 cleanup failed
 * @param time2Wait   seconds, §11.15.2
 * @param time2Retain seconds, §11.15.3
 */
public record LogoutResponse(int response, int initiatorTaskTag, int statSn, int expCmdSn, int maxCmdSn,
                             int time2Wait, int time2Retain) implements IscsiPdu {

    public static final int CLOSED_SUCCESSFULLY = 0;
    public static final int CID_NOT_FOUND = 1;
    public static final int RECOVERY_NOT_SUPPORTED = 2;
    public static final int CLEANUP_FAILED = 3;

    @Override
    public Opcode opcode() {
        return Opcode.LOGOUT_RESPONSE;
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.LOGOUT_RESPONSE, false);
        out.writeByte(HeaderFields.FINAL_BIT);
        out.writeByte(response);
        out.writeByte(0);
        HeaderFields.writeLengths(out, 0, Unpooled.EMPTY_BUFFER);
        out.writeZero(8);
        out.writeInt(initiatorTaskTag);
        out.writeZero(4);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeZero(4);
        out.writeShort(time2Wait);
        out.writeShort(time2Retain);
        out.writeZero(4);
    }

    static LogoutResponse decode(ByteBuf header) {
        return new LogoutResponse(header.getUnsignedByte(2), HeaderFields.initiatorTaskTag(header),
                header.getInt(24), header.getInt(28), header.getInt(32), header.getUnsignedShort(40),
                header.getUnsignedShort(42));
    }
}
