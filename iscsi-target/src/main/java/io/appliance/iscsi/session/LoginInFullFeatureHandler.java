package io.appliance.iscsi.session;

import io.appliance.iscsi.pdu.LoginRequest;
import io.appliance.iscsi.pdu.RejectReason;

/** A Login Request on a connection already in full feature phase is a protocol error (RFC 7143 §6.1). */
final class LoginInFullFeatureHandler extends PduHandler<LoginRequest> {

    LoginInFullFeatureHandler() {
        super(LoginRequest.class);
    }

    @Override
    void handle(IscsiSession session, IscsiConnection connection, LoginRequest pdu) throws PduRejectedException {
        throw new PduRejectedException(RejectReason.PROTOCOL_ERROR, "Login Request in full feature phase");
    }
}
