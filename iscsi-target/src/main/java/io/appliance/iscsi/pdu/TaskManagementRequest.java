package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Task Management Function Request, RFC 7143 §11.5.
 *
 * @param function the function code of byte 1 (§11.5.1): 1 ABORT TASK ... 8 TASK REASSIGN
 */
public record TaskManagementRequest(boolean immediate, int function, long lun, int initiatorTaskTag,
                                    int referencedTaskTag, int cmdSn, int expStatSn, int refCmdSn,
                                    int expDataSn) implements IscsiPdu {

    public static final int ABORT_TASK = 1;
    public static final int ABORT_TASK_SET = 2;
    public static final int CLEAR_ACA = 3;
    public static final int CLEAR_TASK_SET = 4;
    public static final int LOGICAL_UNIT_RESET = 5;
    public static final int TARGET_WARM_RESET = 6;
    public static final int TARGET_COLD_RESET = 7;
    public static final int TASK_REASSIGN = 8;

    @Override
    public Opcode opcode() {
        return Opcode.TASK_MANAGEMENT_REQUEST;
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.TASK_MANAGEMENT_REQUEST, immediate);
        out.writeByte(HeaderFields.FINAL_BIT | (function & 0x7f));
        out.writeZero(2);
        HeaderFields.writeLengths(out, 0, Unpooled.EMPTY_BUFFER);
        out.writeLong(lun);
        out.writeInt(initiatorTaskTag);
        out.writeInt(referencedTaskTag);
        out.writeInt(cmdSn);
        out.writeInt(expStatSn);
        out.writeInt(refCmdSn);
        out.writeInt(expDataSn);
        out.writeZero(8);
    }

    static TaskManagementRequest decode(ByteBuf header) {
        return new TaskManagementRequest(HeaderFields.immediate(header), HeaderFields.flags(header) & 0x7f,
                HeaderFields.lun(header), HeaderFields.initiatorTaskTag(header), header.getInt(20),
                header.getInt(24), header.getInt(28), header.getInt(32), header.getInt(36));
    }
}
