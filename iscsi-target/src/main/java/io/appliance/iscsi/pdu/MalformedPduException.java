package io.appliance.iscsi.pdu;

/**
 * A PDU whose fields break RFC 7143 in a way the codec can see. The decoder turns it into an
 * {@link InvalidPdu} carrying {@link #reason()}; it never escapes the codec.
 */
final class MalformedPduException extends Exception {

    private final RejectReason reason;

    MalformedPduException(RejectReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    RejectReason reason() {
        return reason;
    }
}
