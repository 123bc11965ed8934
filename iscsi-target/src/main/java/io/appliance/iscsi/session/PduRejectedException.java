package io.appliance.iscsi.session;

import io.appliance.iscsi.pdu.RejectReason;

/**
 * A PDU the session refuses. Thrown by the operation handlers and turned into a Reject PDU
 * (RFC 7143 §11.17) carrying the offending header in exactly one place,
 * {@link IscsiSession#process}; with {@link #closesConnection()} the connection is closed after
 * the Reject is written.
 */
final class PduRejectedException extends Exception {

    private final RejectReason reason;
    private final boolean closesConnection;
    private Runnable afterReject;

    PduRejectedException(RejectReason reason, String message) {
        this(reason, false, message);
    }

    PduRejectedException(RejectReason reason, boolean closesConnection, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.closesConnection = closesConnection;
    }

    RejectReason reason() {
        return reason;
    }

    boolean closesConnection() {
        return closesConnection;
    }

    /**
     * Work that must follow the Reject on the wire, such as the SCSI Response of a task the
     * rejected PDU terminated (RFC 7143 §11.17.3). Returns this exception.
     */
    PduRejectedException thenRun(Runnable work) {
        this.afterReject = work;
        return this;
    }

    void runAfterReject() {
        if (afterReject != null) {
            afterReject.run();
        }
    }
}
