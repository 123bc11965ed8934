package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * SCSI Data-Out, RFC 7143 §11.7: write data, unsolicited (TTT 0xffffffff) or answering an R2T
 * (TTT echoed). DataSN counts within one sequence; BufferOffset is absolute within the command.
 */
public record DataOut(boolean finalFlag, long lun, int initiatorTaskTag, int targetTransferTag,
                      int expStatSn, int dataSn, int bufferOffset, ByteBuf data) implements IscsiPdu {

    public DataOut {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public Opcode opcode() {
        return Opcode.SCSI_DATA_OUT;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.SCSI_DATA_OUT, false);
        out.writeByte(finalFlag ? HeaderFields.FINAL_BIT : 0);
        out.writeZero(2);
        HeaderFields.writeLengths(out, 0, data);
        out.writeLong(lun);
        out.writeInt(initiatorTaskTag);
        out.writeInt(targetTransferTag);
        out.writeZero(4);
        out.writeInt(expStatSn);
        out.writeZero(4);
        out.writeInt(dataSn);
        out.writeInt(bufferOffset);
        out.writeZero(4);
    }

    static DataOut decode(ByteBuf header, ByteBuf data) {
        return new DataOut(HeaderFields.flag(header, HeaderFields.FINAL_BIT), HeaderFields.lun(header),
                HeaderFields.initiatorTaskTag(header), header.getInt(20), header.getInt(28),
                header.getInt(36), header.getInt(40), data);
    }
}
