package io.appliance.iscsi.session;

import io.appliance.iscsi.pdu.DataIn;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.ResidualKind;
import io.appliance.iscsi.pdu.ScsiResponsePdu;
import io.appliance.iscsi.scsi.ScsiResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Turns a {@link ScsiResult} into Data-In PDUs and status (RFC 7143 §11.4, §11.7):
 * <ul>
 *   <li>read data is cut into zero-copy slices of at most the initiator's
 *       MaxRecvDataSegmentLength, with DataSN and BufferOffset, the F bit closing every
 *       MaxBurstLength sequence (§13.13) and the last PDU;
 *   <li>residuals (§11.4.5) compare the Expected Data Transfer Length with the data the command
 *       produced (reads) or consumed (writes); at most EDTL bytes are sent;
 *   <li>GOOD status without sense rides on the last Data-In (S bit, §11.7.3); anything else is a
 *       separate SCSI Response with SenseLength and sense data (§11.4.7).
 * </ul>
 */
final class ResultSender {

    private ResultSender() {
    }

    static void send(IscsiConnection connection, IscsiSession session, ScsiTask task, ScsiResult result) {
        ByteBuf dataIn = result.dataIn();
        try {
            int expected = task.expectedDataTransferLength();
            long produced = produced(task, result);
            ResidualKind residualKind = ResidualKind.NONE;
            long residual = 0;
            if (produced >= 0 && produced > expected) {
                residualKind = ResidualKind.OVERFLOW;
                residual = produced - expected;
            } else if (produced >= 0 && produced < expected) {
                residualKind = ResidualKind.UNDERFLOW;
                residual = expected - produced;
            }
            int residualCount = (int) Math.min(residual, 0xFFFF_FFFFL);
            int toSend = task.read() && dataIn != null ? Math.min(dataIn.readableBytes(), expected) : 0;
            boolean collapse = toSend > 0 && result.status() == ScsiResult.GOOD && result.senseData() == null;
            if (toSend > 0) {
                sendDataIn(connection, session, task, dataIn, toSend, collapse, result.status(), residualKind, residualCount);
            }
            if (!collapse) {
                connection.send(new ScsiResponsePdu(residualKind, ScsiResponsePdu.RESPONSE_COMPLETED, result.status(),
                        task.initiatorTaskTag(), 0, connection.nextStatSn(), session.expCmdSn(), session.maxCmdSn(),
                        task.r2tCount() + task.dataInPdus(), residualCount, senseSegment(result.senseData())));
            }
        } finally {
            if (dataIn != null) {
                dataIn.release();
            }
        }
    }

    /** Bytes the command moved in its direction, or -1 when unknown (no residual is reported). */
    private static long produced(ScsiTask task, ScsiResult result) {
        ByteBuf dataIn = result.dataIn();
        if (task.read()) {
            return dataIn == null ? 0 : dataIn.readableBytes();
        }
        if (task.write()) {
            return result.transferLength();
        }
        // no data expected (EDTL 0): whatever the command wanted to move overflows (§11.4.5.1)
        if (dataIn != null && dataIn.isReadable()) {
            return dataIn.readableBytes();
        }
        return Math.max(result.transferLength(), 0);
    }

    private static void sendDataIn(IscsiConnection connection, IscsiSession session, ScsiTask task, ByteBuf dataIn,
                                   int toSend, boolean collapse, int status, ResidualKind residualKind,
                                   int residualCount) {
        int segment = connection.parameters().initiatorMaxRecvDataSegmentLength();
        int burst = session.parameters().maxBurstLength();
        int start = dataIn.readerIndex();
        int offset = 0;
        int burstRemaining = burst;
        while (offset < toSend) {
            int length = Math.min(Math.min(segment, toSend - offset), burstRemaining);
            boolean last = offset + length == toSend;
            burstRemaining -= length;
            boolean endOfSequence = last || burstRemaining == 0;
            if (burstRemaining == 0) {
                burstRemaining = burst;
            }
            boolean withStatus = last && collapse;
            connection.send(new DataIn(endOfSequence, withStatus, residualKind, status, task.lunField(),
                    task.initiatorTaskTag(), IscsiPdu.RESERVED_TAG,
                    withStatus ? connection.nextStatSn() : 0, session.expCmdSn(), session.maxCmdSn(),
                    task.dataInPdus(), offset, residualCount, dataIn.retainedSlice(start + offset, length)));
            task.countDataIn();
            offset += length;
        }
    }

    private static ByteBuf senseSegment(byte[] senseData) {
        if (senseData == null || senseData.length == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf segment = Unpooled.buffer(2 + senseData.length);
        segment.writeShort(senseData.length);
        segment.writeBytes(senseData);
        return segment;
    }
}
