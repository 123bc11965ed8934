package io.appliance.iscsi.session;

import io.appliance.iscsi.pdu.IscsiPdu;

/**
 * One full-feature-phase operation (one opcode). Handlers are stateless singletons behind the
 * dispatch table of {@link IscsiSession}; they run on the session's event loop, never block, and
 * report a PDU they refuse by throwing {@link PduRejectedException}. The dispatcher releases the
 * PDU afterwards: a handler retains whatever it keeps.
 */
abstract class PduHandler<T extends IscsiPdu> {

    private final Class<T> type;

    PduHandler(Class<T> type) {
        this.type = type;
    }

    final void dispatch(IscsiSession session, IscsiConnection connection, IscsiPdu pdu) throws PduRejectedException {
        handle(session, connection, type.cast(pdu));
    }

    abstract void handle(IscsiSession session, IscsiConnection connection, T pdu) throws PduRejectedException;
}
