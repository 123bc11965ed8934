package io.appliance.iscsi.session;

import io.appliance.iscsi.pdu.RejectReason;
import io.appliance.iscsi.pdu.SnackRequest;

/** SNACK (RFC 7143 §11.16) needs ErrorRecoveryLevel ≥ 1; at ERL 0 it is a protocol error. */
final class SnackHandler extends PduHandler<SnackRequest> {

    SnackHandler() {
        super(SnackRequest.class);
    }

    @Override
    void handle(IscsiSession session, IscsiConnection connection, SnackRequest pdu) throws PduRejectedException {
        throw new PduRejectedException(RejectReason.PROTOCOL_ERROR, "SNACK at ErrorRecoveryLevel 0");
    }
}
