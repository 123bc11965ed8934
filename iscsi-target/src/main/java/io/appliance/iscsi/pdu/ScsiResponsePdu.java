package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * SCSI Response, RFC 7143 §11.4. Bidirectional commands are not supported by this target, so the
 * o/u bits and the Bidirectional Read Residual Count are always written as zero. The data segment,
 * when present, is SenseLength (2 bytes) followed by the sense data (§11.4.7).
 *
 * @param response      0x00 command completed at target, 0x01 target failure (§11.4.3)
 * @param status        SAM status, valid when response is 0x00
 * @param expDataSn     number of R2Ts and Data-In PDUs the target sent for the command (§11.4.6)
 * @param residualCount meaningful with {@code residualKind} other than NONE (§11.4.5)
 */
public record ScsiResponsePdu(ResidualKind residualKind, int response, int status,
                              int initiatorTaskTag, int snackTag, int statSn, int expCmdSn,
                              int maxCmdSn, int expDataSn, int residualCount, ByteBuf data)
        implements IscsiPdu {

    public static final int RESPONSE_COMPLETED = 0x00;
    public static final int RESPONSE_TARGET_FAILURE = 0x01;

    public ScsiResponsePdu {
        Objects.requireNonNull(residualKind, "residualKind");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public Opcode opcode() {
        return Opcode.SCSI_RESPONSE;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.SCSI_RESPONSE, false);
        out.writeByte(HeaderFields.FINAL_BIT | residualKind.bits());
        out.writeByte(response);
        out.writeByte(status);
        HeaderFields.writeLengths(out, 0, data);
        out.writeZero(8);
        out.writeInt(initiatorTaskTag);
        out.writeInt(snackTag);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeInt(expDataSn);
        out.writeInt(0);
        out.writeInt(residualCount);
    }

    static ScsiResponsePdu decode(ByteBuf header, ByteBuf data) {
        return new ScsiResponsePdu(ResidualKind.fromBits(HeaderFields.flags(header)),
                header.getUnsignedByte(2), header.getUnsignedByte(3),
                HeaderFields.initiatorTaskTag(header), header.getInt(20), header.getInt(24),
                header.getInt(28), header.getInt(32), header.getInt(36), header.getInt(44), data);
    }
}
