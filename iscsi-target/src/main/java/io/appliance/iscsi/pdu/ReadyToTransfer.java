package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Ready To Transfer (R2T), RFC 7143 §11.8: solicits {@code desiredDataTransferLength} bytes of
 * write data at {@code bufferOffset}. StatSN is the next one but is not advanced by an R2T.
 */
public record ReadyToTransfer(long lun, int initiatorTaskTag, int targetTransferTag, int statSn,
                              int expCmdSn, int maxCmdSn, int r2tSn, int bufferOffset,
                              int desiredDataTransferLength) implements IscsiPdu {

    @Override
    public Opcode opcode() {
        return Opcode.READY_TO_TRANSFER;
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        HeaderFields.writeOpcode(out, Opcode.READY_TO_TRANSFER, false);
        out.writeByte(HeaderFields.FINAL_BIT);
        out.writeZero(2);
        HeaderFields.writeLengths(out, 0, Unpooled.EMPTY_BUFFER);
        out.writeLong(lun);
        out.writeInt(initiatorTaskTag);
        out.writeInt(targetTransferTag);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeInt(r2tSn);
        out.writeInt(bufferOffset);
        out.writeInt(desiredDataTransferLength);
    }

    static ReadyToTransfer decode(ByteBuf header) {
        return new ReadyToTransfer(HeaderFields.lun(header), HeaderFields.initiatorTaskTag(header),
                header.getInt(20), header.getInt(24), header.getInt(28), header.getInt(32),
                header.getInt(36), header.getInt(40), header.getInt(44));
    }
}
