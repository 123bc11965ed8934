package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Login Request, RFC 7143 §11.12. Always immediate (the I bit is 1 on the wire). Stages are the
 * two-bit CSG/NSG codes (0 security, 1 operational, 3 full feature).
 *
 * @param isid 48-bit initiator session ID (§11.12.5)
 * @param tsih 16-bit target session identifying handle, 0 for a new session (§11.12.6)
 * @param cid  16-bit connection ID (§11.12.7)
 */
public record LoginRequest(boolean transit, boolean continueFlag, int currentStage, int nextStage,
                           int versionMax, int versionMin, long isid, int tsih, int initiatorTaskTag,
                           int cid, int cmdSn, int expStatSn, ByteBuf data) implements IscsiPdu {

    static final int TRANSIT_BIT = 0x80;
    static final int CONTINUE_BIT = 0x40;

    public LoginRequest {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public Opcode opcode() {
        return Opcode.LOGIN_REQUEST;
    }

    @Override
    public boolean immediate() {
        return true;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.LOGIN_REQUEST, true);
        out.writeByte((transit ? TRANSIT_BIT : 0) | (continueFlag ? CONTINUE_BIT : 0)
                | (currentStage & 0x3) << 2 | (nextStage & 0x3));
        out.writeByte(versionMax);
        out.writeByte(versionMin);
        HeaderFields.writeLengths(out, 0, data);
        writeIsid(out, isid);
        out.writeShort(tsih);
        out.writeInt(initiatorTaskTag);
        out.writeShort(cid);
        out.writeZero(2);
        out.writeInt(cmdSn);
        out.writeInt(expStatSn);
        out.writeZero(16);
    }

    static LoginRequest decode(ByteBuf header, ByteBuf data) {
        int flags = HeaderFields.flags(header);
        return new LoginRequest((flags & TRANSIT_BIT) != 0, (flags & CONTINUE_BIT) != 0,
                (flags >> 2) & 0x3, flags & 0x3, header.getUnsignedByte(2), header.getUnsignedByte(3),
                readIsid(header), header.getUnsignedShort(14), HeaderFields.initiatorTaskTag(header),
                header.getUnsignedShort(20), header.getInt(24), header.getInt(28), data);
    }

    static void writeIsid(ByteBuf out, long isid) {
        out.writeShort((int) (isid >>> 32));
        out.writeInt((int) isid);
    }

    static long readIsid(ByteBuf header) {
        return ((long) header.getUnsignedShort(8) << 32) | header.getUnsignedInt(10);
    }
}
