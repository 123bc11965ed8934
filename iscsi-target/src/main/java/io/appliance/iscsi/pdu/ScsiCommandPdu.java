package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * SCSI Command, RFC 7143 §11.3. A CDB longer than 16 bytes travels in an Extended CDB AHS
 * (§11.2.2.3), which {@link #encodeHeader} writes and the decoder reads back into {@link #cdb()}.
 * The data segment, when present, is immediate data (§13.11).
 *
 * @param attribute SAM task attribute, the three ATTR bits of byte 1 (§11.3.1.5)
 */
public record ScsiCommandPdu(boolean immediate, boolean finalFlag, boolean read, boolean write,
                             int attribute, long lun, int initiatorTaskTag,
                             int expectedDataTransferLength, int cmdSn, int expStatSn, byte[] cdb,
                             ByteBuf data) implements IscsiPdu {

    /** CDB bytes that fit into the BHS; the rest goes into an Extended CDB AHS. */
    public static final int BHS_CDB_LENGTH = 16;
    /** The longest CDB an Extended CDB AHS can describe here (SPC-4 variable-length CDBs ≤ 260). */
    public static final int MAX_CDB_LENGTH = 260;

    private static final int READ_BIT = 0x40;
    private static final int WRITE_BIT = 0x20;
    private static final int AHS_TYPE_EXTENDED_CDB = 0x01;
    private static final int AHS_TYPE_BIDIRECTIONAL_READ_LENGTH = 0x02;

    public ScsiCommandPdu {
        Objects.requireNonNull(cdb, "cdb");
        Objects.requireNonNull(data, "data");
        if (cdb.length < 1 || cdb.length > MAX_CDB_LENGTH) {
            throw new IllegalArgumentException("CDB length must be 1.." + MAX_CDB_LENGTH + ": " + cdb.length);
        }
    }

    @Override
    public Opcode opcode() {
        return Opcode.SCSI_COMMAND;
    }

    @Override
    public void encodeHeader(ByteBuf out) {
        int extendedLength = Math.max(0, cdb.length - BHS_CDB_LENGTH);
        int ahsBytes = extendedLength == 0 ? 0 : pad4(3 + 1 + extendedLength);
        HeaderFields.writeOpcode(out, Opcode.SCSI_COMMAND, immediate);
        out.writeByte((finalFlag ? HeaderFields.FINAL_BIT : 0) | (read ? READ_BIT : 0)
                | (write ? WRITE_BIT : 0) | (attribute & 0x07));
        out.writeZero(2);
        HeaderFields.writeLengths(out, ahsBytes / 4, data);
        out.writeLong(lun);
        out.writeInt(initiatorTaskTag);
        out.writeInt(expectedDataTransferLength);
        out.writeInt(cmdSn);
        out.writeInt(expStatSn);
        out.writeBytes(cdb, 0, Math.min(cdb.length, BHS_CDB_LENGTH));
        out.writeZero(BHS_CDB_LENGTH - Math.min(cdb.length, BHS_CDB_LENGTH));
        if (extendedLength > 0) {
            // §11.2.2.3: AHSLength = CDBLength - 15 (one reserved byte plus the CDB tail)
            out.writeShort(extendedLength + 1);
            out.writeByte(AHS_TYPE_EXTENDED_CDB);
            out.writeByte(0);
            out.writeBytes(cdb, BHS_CDB_LENGTH, extendedLength);
            out.writeZero(ahsBytes - 4 - extendedLength);
        }
    }

    static ScsiCommandPdu decode(ByteBuf header, ByteBuf data) throws MalformedPduException {
        int flags = HeaderFields.flags(header);
        byte[] extended = extendedCdb(header);
        byte[] cdb = new byte[BHS_CDB_LENGTH + extended.length];
        header.getBytes(32, cdb, 0, BHS_CDB_LENGTH);
        System.arraycopy(extended, 0, cdb, BHS_CDB_LENGTH, extended.length);
        return new ScsiCommandPdu(HeaderFields.immediate(header), (flags & HeaderFields.FINAL_BIT) != 0,
                (flags & READ_BIT) != 0, (flags & WRITE_BIT) != 0, flags & 0x07,
                HeaderFields.lun(header), HeaderFields.initiatorTaskTag(header), header.getInt(20),
                header.getInt(24), header.getInt(28), cdb, data);
    }

    /** Walks the AHS list (§11.2.2): returns the Extended CDB tail, empty when there is none. */
    private static byte[] extendedCdb(ByteBuf header) throws MalformedPduException {
        byte[] extended = new byte[0];
        int position = HeaderFields.BHS_LENGTH;
        int end = header.writerIndex();
        while (position < end) {
            if (end - position < 4) {
                throw new MalformedPduException(RejectReason.INVALID_PDU_FIELD, "truncated AHS");
            }
            int ahsLength = header.getUnsignedShort(position);
            int type = header.getUnsignedByte(position + 2) & 0x3f;
            int entryBytes = pad4(3 + ahsLength);
            if (ahsLength < 1 || entryBytes > end - position) {
                throw new MalformedPduException(RejectReason.INVALID_PDU_FIELD, "AHS length " + ahsLength);
            }
            if (type == AHS_TYPE_EXTENDED_CDB) {
                if (extended.length > 0 || BHS_CDB_LENGTH + ahsLength - 1 > MAX_CDB_LENGTH) {
                    throw new MalformedPduException(RejectReason.INVALID_PDU_FIELD, "extended CDB AHS");
                }
                extended = new byte[ahsLength - 1];
                header.getBytes(position + 4, extended);
            } else if (type != AHS_TYPE_BIDIRECTIONAL_READ_LENGTH) {
                throw new MalformedPduException(RejectReason.INVALID_PDU_FIELD, "AHS type " + type);
            }
            position += entryBytes;
        }
        return extended;
    }

    private static int pad4(int length) {
        return (length + 3) & ~3;
    }
}
