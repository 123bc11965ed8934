package io.appliance.iscsi.session;

import io.appliance.iscsi.login.NegotiatedParameters;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.LunField;
import io.appliance.iscsi.pdu.RejectReason;
import io.appliance.iscsi.pdu.ScsiCommandPdu;
import io.appliance.iscsi.scsi.ScsiCommand.TaskAttribute;
import io.netty.buffer.ByteBuf;

/**
 * SCSI Command (RFC 7143 §11.3). The task is created when the PDU arrives, so that its immediate
 * and unsolicited data are taken and its R2Ts sent at once; it reaches the SCSI layer in CmdSN
 * order (§4.2.2.1) once all of its write data is there. Commands the transport cannot carry
 * (bidirectional, an EDTL over {@link ScsiTask#MAX_WRITE_LENGTH}, data where none may be) end
 * with CHECK CONDITION after their unsolicited data has been absorbed (§11.17.3).
 */
final class ScsiCommandHandler extends PduHandler<ScsiCommandPdu> {

    ScsiCommandHandler() {
        super(ScsiCommandPdu.class);
    }

    @Override
    void handle(IscsiSession session, IscsiConnection connection, ScsiCommandPdu pdu) throws PduRejectedException {
        if (!pdu.immediate() && !session.acceptableCmdSn(pdu.cmdSn())) {
            // §4.2.2.1: outside the window (or a duplicate) is silently ignored
            return;
        }
        if (session.discovery()) {
            refuse(session, pdu, RejectReason.COMMAND_NOT_SUPPORTED, "SCSI command in a discovery session");
        }
        if (pdu.initiatorTaskTag() == IscsiPdu.RESERVED_TAG) {
            refuse(session, pdu, RejectReason.INVALID_PDU_FIELD, "ITT 0xffffffff");
        }
        if (session.task(pdu.initiatorTaskTag()) != null) {
            refuse(session, pdu, RejectReason.TASK_IN_PROGRESS, "ITT 0x" + Integer.toHexString(pdu.initiatorTaskTag()) + " in use");
        }
        int expected = pdu.expectedDataTransferLength();
        ScsiTask task = new ScsiTask(connection, pdu.initiatorTaskTag(), pdu.cmdSn(), pdu.immediate(), pdu.lun(),
                LunField.toLunNumber(pdu.lun()), pdu.cdb(), TaskAttribute.fromIscsiAttr(pdu.attribute()),
                pdu.read(), pdu.write(), Math.max(expected, 0));
        if (expected < 0 || (pdu.read() && pdu.write())) {
            // bidirectional commands are not supported; an EDTL of 2 GiB or more cannot be carried
            task.fail(TransportSense.INVALID_FIELD_IN_CDB);
        }
        if (pdu.write()) {
            NegotiatedParameters parameters = session.parameters();
            ByteBuf buffer = null;
            if (expected > ScsiTask.MAX_WRITE_LENGTH) {
                task.fail(TransportSense.INVALID_FIELD_IN_CDB);
            } else if (expected > 0 && task.transportFailure() == null) {
                buffer = connection.allocateWriteBuffer(expected);
            }
            task.startDataOut(pdu.data(), !pdu.finalFlag(), parameters.initialR2T(), parameters.immediateData(),
                    parameters.firstBurstLength(), buffer);
        } else if (pdu.data().isReadable()) {
            // §11.3.1: only a write carries immediate data
            task.fail(TransportSense.UNEXPECTED_UNSOLICITED_DATA);
        }
        session.register(task);
        connection.solicitData(task);
        session.inOrder(connection, pdu, pdu.cmdSn(), pdu.immediate(), () -> session.sequenced(task));
    }

    /** A command refused with a Reject still consumes its CmdSN, so the window does not stall. */
    private static void refuse(IscsiSession session, ScsiCommandPdu pdu, RejectReason reason, String message)
            throws PduRejectedException {
        if (!pdu.immediate()) {
            session.consumeCmdSn(pdu.cmdSn());
        }
        throw new PduRejectedException(reason, message);
    }
}
