package io.appliance.iscsi.session;

import io.appliance.iscsi.pdu.DataOut;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.RejectReason;
import io.appliance.iscsi.scsi.ScsiCommand.TaskAttribute;
import io.appliance.iscsi.scsi.ScsiResult;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The transport side of one SCSI task (RFC 7143 §4.2.5-4.2.7): gathering its write data from
 * immediate data, unsolicited Data-Out and solicited (R2T) Data-Out into one buffer of EDTL bytes,
 * then its execution state. Confined to the session's event loop.
 *
 * <p>Data sequences are checked as DataPDUInOrder=Yes requires (§13.18): DataSN and buffer offset
 * contiguous within each sequence. A broken sequence fails the task with CHECK CONDITION once every
 * open sequence has seen its final PDU (§11.17.3); it is never executed.
 */
final class ScsiTask {

    /** The largest Expected Data Transfer Length gathered for a write; longer ones are refused. */
    static final int MAX_WRITE_LENGTH = 32 * 1024 * 1024;

    private final IscsiConnection connection;
    private final int initiatorTaskTag;
    private final int cmdSn;
    private final boolean immediate;
    private final long lunField;
    private final long lun;
    private final byte[] cdb;
    private final TaskAttribute attribute;
    private final boolean read;
    private final boolean write;
    private final int expectedDataTransferLength;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    private ByteBuf writeBuffer;
    private TransportSense failure;
    private boolean sequenced;
    private boolean executing;
    private boolean aborted;

    private boolean unsolicitedOpen;
    private int unsolicitedEnd;
    private int unsolicitedNextDataSn;
    private int unsolicitedNextOffset;

    private int nextSolicitedOffset;
    private int gapOffset;
    private int gapEnd;
    private int nextR2tSn;
    private final List<SolicitedSequence> outstanding = new ArrayList<>(2);
    private int dataInPdus;

    /** One R2T and the Data-Out answering it (§11.8). */
    static final class SolicitedSequence {
        final int targetTransferTag;
        final int r2tSn;
        final int offset;
        final int length;
        int received;
        int nextDataSn;

        SolicitedSequence(int targetTransferTag, int r2tSn, int offset, int length) {
            this.targetTransferTag = targetTransferTag;
            this.r2tSn = r2tSn;
            this.offset = offset;
            this.length = length;
        }
    }

    ScsiTask(IscsiConnection connection, int initiatorTaskTag, int cmdSn, boolean immediate, long lunField,
             long lun, byte[] cdb, TaskAttribute attribute, boolean read, boolean write,
             int expectedDataTransferLength) {
        this.connection = connection;
        this.initiatorTaskTag = initiatorTaskTag;
        this.cmdSn = cmdSn;
        this.immediate = immediate;
        this.lunField = lunField;
        this.lun = lun;
        this.cdb = cdb;
        this.attribute = attribute;
        this.read = read;
        this.write = write;
        this.expectedDataTransferLength = expectedDataTransferLength;
    }

    /**
     * Sets up the write data phase: allocates the gather buffer (unless the task already failed),
     * takes the immediate data and decides how much unsolicited data follows (§4.2.5.2: up to
     * FirstBurstLength, ending with an F bit; the F bit of the command means none follows).
     */
    void startDataOut(ByteBuf immediateData, boolean moreUnsolicited, boolean initialR2T, boolean immediateDataAllowed,
                      int firstBurstLength, ByteBuf buffer) {
        writeBuffer = buffer;
        int immediateLength = immediateData.readableBytes();
        unsolicitedEnd = initialR2T ? immediateLength : Math.min(firstBurstLength, expectedDataTransferLength);
        if (immediateLength > 0 && (!immediateDataAllowed || immediateLength > Math.min(firstBurstLength, expectedDataTransferLength))) {
            fail(immediateLength > expectedDataTransferLength ? TransportSense.TOO_MUCH_WRITE_DATA
                    : TransportSense.UNEXPECTED_UNSOLICITED_DATA);
        } else if (immediateLength > 0) {
            store(0, immediateData);
        }
        unsolicitedNextOffset = immediateLength;
        if (moreUnsolicited) {
            if (initialR2T || immediateLength >= unsolicitedEnd) {
                fail(TransportSense.UNEXPECTED_UNSOLICITED_DATA);
            }
            unsolicitedOpen = true;
            nextSolicitedOffset = unsolicitedEnd;
        } else {
            nextSolicitedOffset = immediateLength;
        }
    }

    /**
     * Takes one Data-Out PDU. A PDU that does not belong to any open sequence of this task is
     * rejected without touching the task; one that breaks its sequence fails the task and is
     * rejected (the caller still completes the data phase when every sequence has ended).
     */
    void acceptData(DataOut pdu) throws PduRejectedException {
        boolean unsolicited = pdu.targetTransferTag() == IscsiPdu.RESERVED_TAG;
        SolicitedSequence sequence = unsolicited ? null : sequence(pdu.targetTransferTag());
        if (unsolicited ? !unsolicitedOpen : sequence == null) {
            throw new PduRejectedException(RejectReason.INVALID_PDU_FIELD, unsolicited
                    ? "unsolicited Data-Out not expected"
                    : "Data-Out for unknown TTT 0x" + Integer.toHexString(pdu.targetTransferTag()));
        }
        if (failure != null) {
            // §11.17.3: a failed task only waits for the final PDU of each open sequence
            endSequenceIfFinal(sequence, pdu.finalFlag());
            return;
        }
        int length = pdu.data().readableBytes();
        int expectedDataSn = unsolicited ? unsolicitedNextDataSn : sequence.nextDataSn;
        int expectedOffset = unsolicited ? unsolicitedNextOffset : sequence.offset + sequence.received;
        long end = unsolicited ? unsolicitedEnd : (long) sequence.offset + sequence.length;
        if (pdu.dataSn() != expectedDataSn || pdu.bufferOffset() != expectedOffset) {
            fail(TransportSense.DATA_OFFSET_ERROR);
        } else if (expectedOffset + (long) length > end) {
            fail(TransportSense.TOO_MUCH_WRITE_DATA);
        }
        if (failure != null) {
            endSequenceIfFinal(sequence, pdu.finalFlag());
            throw new PduRejectedException(RejectReason.INVALID_PDU_FIELD, "Data-Out DataSN " + pdu.dataSn()
                    + " offset " + pdu.bufferOffset() + ", expected DataSN " + expectedDataSn + " offset " + expectedOffset);
        }
        store(expectedOffset, pdu.data());
        if (unsolicited) {
            unsolicitedNextDataSn++;
            unsolicitedNextOffset += length;
            if (pdu.finalFlag()) {
                unsolicitedOpen = false;
                if (unsolicitedNextOffset < unsolicitedEnd) {
                    // the initiator ended the first burst early: solicit the hole it left
                    gapOffset = unsolicitedNextOffset;
                    gapEnd = unsolicitedEnd;
                }
            }
            return;
        }
        sequence.nextDataSn++;
        sequence.received += length;
        if (pdu.finalFlag() || sequence.received == sequence.length) {
            outstanding.remove(sequence);
            if (sequence.received < sequence.length) {
                fail(TransportSense.DATA_OFFSET_ERROR);
                throw new PduRejectedException(RejectReason.PROTOCOL_ERROR, "final Data-Out after "
                        + sequence.received + " of the R2T's " + sequence.length + " bytes");
            }
        }
    }

    private void endSequenceIfFinal(SolicitedSequence sequence, boolean finalFlag) {
        if (!finalFlag) {
            return;
        }
        if (sequence == null) {
            unsolicitedOpen = false;
        } else {
            outstanding.remove(sequence);
        }
    }

    /** A Data-Out for this task failed its data digest (§7.8): the task ends with CHECK CONDITION. */
    void dataDigestFailed(int targetTransferTag, boolean finalFlag) {
        fail(TransportSense.DATA_DIGEST_ERROR);
        if (targetTransferTag == IscsiPdu.RESERVED_TAG) {
            if (unsolicitedOpen) {
                endSequenceIfFinal(null, finalFlag);
            }
        } else {
            SolicitedSequence sequence = sequence(targetTransferTag);
            if (sequence != null) {
                endSequenceIfFinal(sequence, finalFlag);
            }
        }
    }

    /** Whether another R2T may be sent now (§13.17 MaxOutstandingR2T). */
    boolean wantsR2t(int maxOutstandingR2T) {
        return write && failure == null && !aborted && outstanding.size() < maxOutstandingR2T
                && (gapOffset < gapEnd || nextSolicitedOffset < expectedDataTransferLength);
    }

    /** Opens the next solicited sequence of at most MaxBurstLength bytes (§11.8.4), gaps first. */
    SolicitedSequence nextR2t(int targetTransferTag, int maxBurstLength) {
        SolicitedSequence sequence;
        if (gapOffset < gapEnd) {
            int length = Math.min(maxBurstLength, gapEnd - gapOffset);
            sequence = new SolicitedSequence(targetTransferTag, nextR2tSn++, gapOffset, length);
            gapOffset += length;
        } else {
            int length = Math.min(maxBurstLength, expectedDataTransferLength - nextSolicitedOffset);
            sequence = new SolicitedSequence(targetTransferTag, nextR2tSn++, nextSolicitedOffset, length);
            nextSolicitedOffset += length;
        }
        outstanding.add(sequence);
        return sequence;
    }

    /** True when no Data-Out is expected any more: every sequence ended (successfully or not). */
    boolean dataPhaseComplete() {
        if (!write || aborted) {
            return true;
        }
        if (unsolicitedOpen || !outstanding.isEmpty()) {
            return false;
        }
        return failure != null || (gapOffset >= gapEnd && nextSolicitedOffset >= expectedDataTransferLength);
    }

    void fail(TransportSense sense) {
        if (failure == null) {
            failure = sense;
        }
    }

    /** The result the transport answers with instead of executing, or null when the task is healthy. */
    ScsiResult transportFailure() {
        return failure == null ? null : ScsiResult.checkCondition(failure.senseData());
    }

    private void store(int offset, ByteBuf data) {
        if (writeBuffer != null && failure == null) {
            writeBuffer.setBytes(offset, data, data.readerIndex(), data.readableBytes());
            writeBuffer.writerIndex(Math.max(writeBuffer.writerIndex(), offset + data.readableBytes()));
        }
    }

    private SolicitedSequence sequence(int targetTransferTag) {
        for (SolicitedSequence sequence : outstanding) {
            if (sequence.targetTransferTag == targetTransferTag) {
                return sequence;
            }
        }
        return null;
    }

    /** Hands the gathered write data over (to the SCSI command), or null when there is none. */
    ByteBuf takeWriteBuffer() {
        ByteBuf buffer = writeBuffer;
        writeBuffer = null;
        return buffer;
    }

    /** Releases whatever the task still holds. Idempotent. */
    void releaseBuffers() {
        if (writeBuffer != null) {
            writeBuffer.release();
            writeBuffer = null;
        }
    }

    IscsiConnection connection() {
        return connection;
    }

    int initiatorTaskTag() {
        return initiatorTaskTag;
    }

    int cmdSn() {
        return cmdSn;
    }

    boolean immediate() {
        return immediate;
    }

    long lunField() {
        return lunField;
    }

    long lun() {
        return lun;
    }

    byte[] cdb() {
        return cdb;
    }

    TaskAttribute attribute() {
        return attribute;
    }

    boolean read() {
        return read;
    }

    boolean write() {
        return write;
    }

    int expectedDataTransferLength() {
        return expectedDataTransferLength;
    }

    boolean sequenced() {
        return sequenced;
    }

    void markSequenced() {
        sequenced = true;
    }

    boolean executing() {
        return executing;
    }

    void markExecuting() {
        executing = true;
    }

    boolean aborted() {
        return aborted;
    }

    void markAborted() {
        aborted = true;
    }

    int r2tCount() {
        return nextR2tSn;
    }

    int dataInPdus() {
        return dataInPdus;
    }

    void countDataIn() {
        dataInPdus++;
    }

    /** Completes (on the session's event loop) when the task has left the session. */
    CompletableFuture<Void> finished() {
        return finished;
    }
}
