package io.appliance.iscsi.session;

import io.appliance.iscsi.pdu.LogoutRequest;
import io.appliance.iscsi.pdu.LogoutResponse;
import io.appliance.iscsi.pdu.RejectReason;

/**
 * Logout Request (RFC 7143 §11.14): closes the session (reason 0) or one connection (reason 1)
 * once the response is on the wire. Removing a connection for recovery (reason 2) needs ERL 2 and
 * is answered "connection recovery not supported" (§11.15.1). A discovery session may only close
 * the session (§4.3).
 */
final class LogoutHandler extends PduHandler<LogoutRequest> {

    LogoutHandler() {
        super(LogoutRequest.class);
    }

    @Override
    void handle(IscsiSession session, IscsiConnection connection, LogoutRequest pdu) throws PduRejectedException {
        if (pdu.reasonCode() > LogoutRequest.REMOVE_CONNECTION_FOR_RECOVERY) {
            throw new PduRejectedException(RejectReason.INVALID_PDU_FIELD, "logout reason " + pdu.reasonCode());
        }
        if (session.discovery() && pdu.reasonCode() != LogoutRequest.CLOSE_SESSION) {
            throw new PduRejectedException(RejectReason.PROTOCOL_ERROR, "discovery sessions may only close the session");
        }
        session.inOrder(connection, pdu, pdu.cmdSn(), pdu.immediate(), () -> logout(session, connection, pdu));
    }

    private static void logout(IscsiSession session, IscsiConnection connection, LogoutRequest pdu) {
        switch (pdu.reasonCode()) {
            case LogoutRequest.CLOSE_SESSION -> {
                respond(session, connection, pdu, LogoutResponse.CLOSED_SUCCESSFULLY, 0);
                for (IscsiConnection each : session.connections()) {
                    each.markLoggedOut();
                }
                session.close();
            }
            case LogoutRequest.CLOSE_CONNECTION -> {
                IscsiConnection target = null;
                for (IscsiConnection each : session.connections()) {
                    if (each.cid() == pdu.cid()) {
                        target = each;
                    }
                }
                if (target == null) {
                    respond(session, connection, pdu, LogoutResponse.CID_NOT_FOUND, 0);
                    return;
                }
                respond(session, connection, pdu, LogoutResponse.CLOSED_SUCCESSFULLY, 0);
                target.markLoggedOut();
                target.closeAfterFlush();
            }
            case LogoutRequest.REMOVE_CONNECTION_FOR_RECOVERY ->
                    respond(session, connection, pdu, LogoutResponse.RECOVERY_NOT_SUPPORTED,
                            session.parameters().defaultTime2Wait());
            default -> throw new IllegalArgumentException("logout reason " + pdu.reasonCode());
        }
    }

    /** Time2Retain is 0 at ERL 0: nothing is kept for recovery (§11.15.3). */
    private static void respond(IscsiSession session, IscsiConnection connection, LogoutRequest pdu, int response,
                                int time2Wait) {
        connection.send(new LogoutResponse(response, pdu.initiatorTaskTag(), connection.nextStatSn(),
                session.expCmdSn(), session.maxCmdSn(), time2Wait, 0));
        connection.flushIfPending();
    }
}
