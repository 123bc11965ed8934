package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * One SCSI command as the transport hands it to the SCSI layer, with all of its Data-Out already
 * received.
 *
 * @param nexus          the I_T nexus the command arrived on
 * @param lun            the LUN as the initiator addressed it (flat/peripheral addressing decoded
 *                       to a number, SAM-5 §4.7)
 * @param cdb            the CDB, 6 to 16 bytes (longer with an extended-CDB AHS)
 * @param taskTag        the transport's task tag (iSCSI ITT), unique among the nexus's open tasks
 * @param attribute      SAM task attribute
 * @param expectedDataInLength  bytes the initiator is prepared to receive (iSCSI EDTL with the R
 *                       bit), 0 when it expects none
 * @param dataOut        the write data the initiator sent, exactly as many bytes as the transport
 *                       received (which may be fewer or more than the CDB implies); null when the
 *                       command carries none. Owned by the transport, which releases it after the
 *                       result's future completes; the SCSI layer must not retain it beyond that.
 */
public record ScsiCommand(
        ItNexus nexus,
        long lun,
        byte[] cdb,
        long taskTag,
        TaskAttribute attribute,
        int expectedDataInLength,
        ByteBuf dataOut) {

    public ScsiCommand {
        Objects.requireNonNull(nexus, "nexus");
        Objects.requireNonNull(cdb, "cdb");
        Objects.requireNonNull(attribute, "attribute");
        if (cdb.length == 0) {
            throw new IllegalArgumentException("empty CDB");
        }
    }

    /** Operation code (first CDB byte). */
    public int opcode() {
        return cdb[0] & 0xFF;
    }

    /** Bytes of write data the transport received, 0 when none. */
    public int dataOutLength() {
        return dataOut == null ? 0 : dataOut.readableBytes();
    }

    /** SAM-5 task attributes as carried in the iSCSI SCSI Command PDU ATTR field (RFC 7143 §11.3.1). */
    public enum TaskAttribute {
        UNTAGGED, SIMPLE, ORDERED, HEAD_OF_QUEUE, ACA;

        public static TaskAttribute fromIscsiAttr(int attr) {
            return switch (attr & 0x7) {
                case 0 -> UNTAGGED;
                case 1 -> SIMPLE;
                case 2 -> ORDERED;
                case 3 -> HEAD_OF_QUEUE;
                case 4 -> ACA;
                default -> SIMPLE; // reserved values: treat as SIMPLE, the weakest ordering
            };
        }
    }
}
