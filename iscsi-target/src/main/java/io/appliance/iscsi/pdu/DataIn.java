package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * SCSI Data-In, RFC 7143 §11.7. With the S bit ({@code statusPresent}) it also carries the
 * command's status, StatSN and residual (phase collapse, §11.7.3); without it those fields are
 * reserved and written as zero. The A bit (ERL ≥ 1) is never used by this target.
 */
public record DataIn(boolean finalFlag, boolean statusPresent, ResidualKind residualKind, int status,
                     long lun, int initiatorTaskTag, int targetTransferTag, int statSn, int expCmdSn,
                     int maxCmdSn, int dataSn, int bufferOffset, int residualCount, ByteBuf data)
        implements IscsiPdu {

    private static final int STATUS_BIT = 0x01;

    public DataIn {
        Objects.requireNonNull(residualKind, "residualKind");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public Opcode opcode() {
        return Opcode.SCSI_DATA_IN;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.SCSI_DATA_IN, false);
        out.writeByte((finalFlag ? HeaderFields.FINAL_BIT : 0)
                | (statusPresent ? residualKind.bits() | STATUS_BIT : 0));
        out.writeByte(0);
        out.writeByte(statusPresent ? status : 0);
        HeaderFields.writeLengths(out, 0, data);
        out.writeLong(lun);
        out.writeInt(initiatorTaskTag);
        out.writeInt(targetTransferTag);
        out.writeInt(statusPresent ? statSn : 0);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeInt(dataSn);
        out.writeInt(bufferOffset);
        out.writeInt(statusPresent ? residualCount : 0);
    }

    static DataIn decode(ByteBuf header, ByteBuf data) {
        int flags = HeaderFields.flags(header);
        return new DataIn((flags & HeaderFields.FINAL_BIT) != 0, (flags & STATUS_BIT) != 0,
                ResidualKind.fromBits(flags), header.getUnsignedByte(3), HeaderFields.lun(header),
                HeaderFields.initiatorTaskTag(header), header.getInt(20), header.getInt(24),
                header.getInt(28), header.getInt(32), header.getInt(36), header.getInt(40),
                header.getInt(44), data);
    }
}
