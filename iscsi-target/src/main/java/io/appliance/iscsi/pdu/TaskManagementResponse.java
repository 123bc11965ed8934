package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Task Management Function Response, RFC 7143 §11.6.
 *
 * @param response §11.6.1: 0 function complete, 1 task does not exist, 2 LUN does not exist,
 *                 3 task still allegiant, 4 task allegiance reassignment not supported,
 *                 5 function not supported, 6 authorization failed, 255 function rejected
 */
public record TaskManagementResponse(int response, int initiatorTaskTag, int statSn, int expCmdSn,
                                     int maxCmdSn) implements IscsiPdu {

    public static final int FUNCTION_COMPLETE = 0;
    public static final int TASK_DOES_NOT_EXIST = 1;
    public static final int LUN_DOES_NOT_EXIST = 2;
    public static final int TASK_STILL_ALLEGIANT = 3;
    public static final int REASSIGNMENT_NOT_SUPPORTED = 4;
    public static final int FUNCTION_NOT_SUPPORTED = 5;
    public static final int AUTHORIZATION_FAILED = 6;
    public static final int FUNCTION_REJECTED = 255;

    @Override
    public Opcode opcode() {
        return Opcode.TASK_MANAGEMENT_RESPONSE;
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.TASK_MANAGEMENT_RESPONSE, false);
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
        out.writeZero(12);
    }

    static TaskManagementResponse decode(ByteBuf header) {
        return new TaskManagementResponse(header.getUnsignedByte(2), HeaderFields.initiatorTaskTag(header),
                header.getInt(24), header.getInt(28), header.getInt(32));
    }
}
