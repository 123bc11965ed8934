package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Logout Request, RFC 7143 §11.14.
 *
 * @param reasonCode §11.14.1: 0 close the session, 1 close the connection, 2 remove the connection
 *                   for recovery
 * @param cid        the connection to close (reasons 1 and 2)
 */
public record LogoutRequest(boolean immediate, int reasonCode, int initiatorTaskTag, int cid, int cmdSn,
                            int expStatSn) implements IscsiPdu {

    public static final int CLOSE_SESSION = 0;
    public static final int CLOSE_CONNECTION = 1;
    public static final int REMOVE_CONNECTION_FOR_RECOVERY = 2;

    @Override
    public Opcode opcode() {
        return Opcode.LOGOUT_REQUEST;
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.LOGOUT_REQUEST, immediate);
        out.writeByte(HeaderFields.FINAL_BIT | (reasonCode & 0x7f));
        out.writeZero(2);
        HeaderFields.writeLengths(out, 0, Unpooled.EMPTY_BUFFER);
        out.writeZero(8);
        out.writeInt(initiatorTaskTag);
        out.writeShort(cid);
        out.writeZero(2);
        out.writeInt(cmdSn);
        out.writeInt(expStatSn);
        out.writeZero(16);
    }

    static LogoutRequest decode(ByteBuf header) {
        return new LogoutRequest(HeaderFields.immediate(header), HeaderFields.flags(header) & 0x7f,
                HeaderFields.initiatorTaskTag(header), header.getUnsignedShort(20), header.getInt(24),
                header.getInt(28));
    }
}
