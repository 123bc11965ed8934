package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;

/**
 * What the SCSI layer answers for one command.
 *
 * @param status    SAM status byte (GOOD 0x00, CHECK CONDITION 0x02, BUSY 0x08,
 *                  RESERVATION CONFLICT 0x18, TASK SET FULL 0x28, ...)
 * @param senseData fixed-format sense data (SPC-4 §4.5.3) for CHECK CONDITION, else null
 * @param dataIn    data for the initiator, or null. Ownership passes to the transport, which
 *                  sends at most the initiator's expected length and computes the residual from
 *                  {@code dataIn.readableBytes()} against it (RFC 7143 §11.4.5). For a write,
 *                  {@code dataIn} is null.
 * @param transferLength bytes the command's CDB asked to move in its own direction (for writes,
 *                  how much Data-Out the command consumed). The transport compares it to the
 *                  expected data transfer length to report residual overflow/underflow for
 *                  writes; for reads it may be -1, meaning "use dataIn's length".
 */
public record ScsiResult(int status, byte[] senseData, ByteBuf dataIn, long transferLength) {

    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;
    public static final int CONDITION_MET = 0x04;
    public static final int BUSY = 0x08;
    public static final int RESERVATION_CONFLICT = 0x18;
    public static final int TASK_SET_FULL = 0x28;
    public static final int TASK_ABORTED = 0x40;

    public static ScsiResult good() {
        return new ScsiResult(GOOD, null, null, 0);
    }

    public static ScsiResult good(ByteBuf dataIn) {
        return new ScsiResult(GOOD, null, dataIn, -1);
    }

    public static ScsiResult goodWrite(long transferLength) {
        return new ScsiResult(GOOD, null, null, transferLength);
    }

    public static ScsiResult checkCondition(byte[] senseData) {
        return new ScsiResult(CHECK_CONDITION, senseData, null, 0);
    }
}
