package io.appliance.iscsi.session;

import io.appliance.iscsi.pdu.DataOut;
import io.appliance.iscsi.pdu.RejectReason;

/**
 * SCSI Data-Out (RFC 7143 §11.7): copies the data straight into its task's gather buffer and
 * moves the task on (more R2Ts, or execution once complete). Data-Out for no task of this
 * connection is rejected (§11.17.1 "invalid PDU field").
 */
final class DataOutHandler extends PduHandler<DataOut> {

    DataOutHandler() {
        super(DataOut.class);
    }

    @Override
    void handle(IscsiSession session, IscsiConnection connection, DataOut pdu) throws PduRejectedException {
        ScsiTask task = session.task(pdu.initiatorTaskTag());
        if (task == null || task.connection() != connection || !task.write()) {
            throw new PduRejectedException(RejectReason.INVALID_PDU_FIELD,
                    "Data-Out for no write task with ITT 0x" + Integer.toHexString(pdu.initiatorTaskTag()));
        }
        try {
            task.acceptData(pdu);
        } catch (PduRejectedException e) {
            throw e.thenRun(() -> session.dataArrived(task));
        }
        session.dataArrived(task);
    }
}
