package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Asynchronous Message, RFC 7143 §11.9. The ITT is always 0xffffffff.
 *
 * @param asyncEvent §11.9.1: 0 SCSI async event, 1 logout requested (Parameter3 = seconds to log
 *                   out in), 2 connection drop, 3 session drop, 4 parameter negotiation request
 */
public record AsyncMessage(long lun, int statSn, int expCmdSn, int maxCmdSn, int asyncEvent,
                           int asyncVendorCode, int parameter1, int parameter2, int parameter3,
                           ByteBuf data) implements IscsiPdu {

    public static final int EVENT_SCSI = 0;
    public static final int EVENT_LOGOUT_REQUESTED = 1;
    public static final int EVENT_CONNECTION_DROP = 2;
    public static final int EVENT_SESSION_DROP = 3;

    public AsyncMessage {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public Opcode opcode() {
        return Opcode.ASYNC_MESSAGE;
    }

    @Override
    public int initiatorTaskTag() {
        return RESERVED_TAG;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.ASYNC_MESSAGE, false);
        out.writeByte(HeaderFields.FINAL_BIT);
        out.writeZero(2);
        HeaderFields.writeLengths(out, 0, data);
        out.writeLong(lun);
        out.writeInt(RESERVED_TAG);
        out.writeZero(4);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeByte(asyncEvent);
        out.writeByte(asyncVendorCode);
        out.writeShort(parameter1);
        out.writeShort(parameter2);
        out.writeShort(parameter3);
        out.writeZero(4);
    }

    static AsyncMessage decode(ByteBuf header, ByteBuf data) {
        return new AsyncMessage(HeaderFields.lun(header), header.getInt(24), header.getInt(28),
                header.getInt(32), header.getUnsignedByte(36), header.getUnsignedByte(37),
                header.getUnsignedShort(38), header.getUnsignedShort(40), header.getUnsignedShort(42), data);
    }
}
