package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** Login Response, RFC 7143 §11.13. Status class and detail are §11.13.5. */
public record LoginResponse(boolean transit, boolean continueFlag, int currentStage, int nextStage,
                            int versionMax, int versionActive, long isid, int tsih,
                            int initiatorTaskTag, int statSn, int expCmdSn, int maxCmdSn,
                            int statusClass, int statusDetail, ByteBuf data) implements IscsiPdu {

    public LoginResponse {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public Opcode opcode() {
        return Opcode.LOGIN_RESPONSE;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.LOGIN_RESPONSE, false);
        out.writeByte((transit ? LoginRequest.TRANSIT_BIT : 0) | (continueFlag ? LoginRequest.CONTINUE_BIT : 0)
                | (currentStage & 0x3) << 2 | (nextStage & 0x3));
        out.writeByte(versionMax);
        out.writeByte(versionActive);
        HeaderFields.writeLengths(out, 0, data);
        LoginRequest.writeIsid(out, isid);
        out.writeShort(tsih);
        out.writeInt(initiatorTaskTag);
        out.writeZero(4);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeByte(statusClass);
        out.writeByte(statusDetail);
        out.writeZero(10);
    }

    static LoginResponse decode(ByteBuf header, ByteBuf data) {
        int flags = HeaderFields.flags(header);
        return new LoginResponse((flags & LoginRequest.TRANSIT_BIT) != 0, (flags & LoginRequest.CONTINUE_BIT) != 0,
                (flags >> 2) & 0x3, flags & 0x3, header.getUnsignedByte(2), header.getUnsignedByte(3),
                LoginRequest.readIsid(header), header.getUnsignedShort(14),
                HeaderFields.initiatorTaskTag(header), header.getInt(24), header.getInt(28),
                header.getInt(32), header.getUnsignedByte(36), header.getUnsignedByte(37), data);
    }
}
