package io.appliance.iscsi.session;

import io.appliance.iscsi.login.TextFormatException;
import io.appliance.iscsi.login.TextParameter;
import io.appliance.iscsi.login.TextParameters;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.RejectReason;
import io.appliance.iscsi.pdu.TextRequest;
import io.appliance.iscsi.pdu.TextResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * Text Request (RFC 7143 §11.10): gathers a request continued with the C bit (each part answered
 * by an empty Text Response), lets the {@code TextNegotiator} answer it (SendTargets and the
 * like), and splits an answer longer than the initiator's MaxRecvDataSegmentLength into parts
 * with C=1 and a TTT the initiator echoes to fetch the next one (§11.11).
 */
final class TextRequestHandler extends PduHandler<TextRequest> {

    TextRequestHandler() {
        super(TextRequest.class);
    }

    @Override
    void handle(IscsiSession session, IscsiConnection connection, TextRequest pdu) throws PduRejectedException {
        session.inOrder(connection, pdu, pdu.cmdSn(), pdu.immediate(), () -> exchange(session, connection, pdu));
    }

    private static void exchange(IscsiSession session, IscsiConnection connection, TextRequest pdu)
            throws PduRejectedException {
        TextExchange exchange = connection.textExchange();
        if (pdu.targetTransferTag() == IscsiPdu.RESERVED_TAG) {
            // §11.10.4: TTT 0xffffffff starts a new negotiation and resets any in progress
            exchange = new TextExchange(pdu.initiatorTaskTag(), connection.nextTargetTransferTag());
            connection.textExchange(exchange);
        } else if (exchange == null || exchange.targetTransferTag() != pdu.targetTransferTag()
                || exchange.initiatorTaskTag() != pdu.initiatorTaskTag()) {
            throw new PduRejectedException(RejectReason.INVALID_PDU_FIELD,
                    "Text Request continues no negotiation (TTT 0x" + Integer.toHexString(pdu.targetTransferTag()) + ")");
        }
        if (exchange.moreToSend()) {
            if (pdu.data().isReadable()) {
                throw new PduRejectedException(RejectReason.PROTOCOL_ERROR, "text while a response is pending");
            }
            sendPart(session, connection, pdu, exchange);
            return;
        }
        if (!exchange.append(pdu.data())) {
            connection.textExchange(null);
            throw new PduRejectedException(RejectReason.PROTOCOL_ERROR, "request text over " + TextExchange.MAX_REQUEST_TEXT);
        }
        if (pdu.continueFlag()) {
            send(session, connection, pdu, false, false, exchange.targetTransferTag(), Unpooled.EMPTY_BUFFER);
            return;
        }
        List<TextParameter> keys;
        try {
            keys = TextParameters.decode(exchange.takeRequest());
        } catch (TextFormatException e) {
            connection.textExchange(null);
            throw new PduRejectedException(RejectReason.INVALID_PDU_FIELD, "text: " + e.getMessage());
        }
        List<TextParameter> answer = session.services().textNegotiator().respond(keys, session.sessionType(),
                session.initiatorName(), session.target(), connection.localAddress());
        exchange.respond(TextParameters.encode(answer), pdu.finalFlag());
        sendPart(session, connection, pdu, exchange);
    }

    private static void sendPart(IscsiSession session, IscsiConnection connection, TextRequest pdu, TextExchange exchange) {
        ByteBuf part = exchange.nextPart(connection.parameters().initiatorMaxRecvDataSegmentLength());
        boolean more = exchange.moreToSend();
        boolean done = !more && exchange.requestFinal();
        if (!more) {
            exchange.finishResponse();
        }
        if (done) {
            connection.textExchange(null);
        }
        send(session, connection, pdu, done, more, done ? IscsiPdu.RESERVED_TAG : exchange.targetTransferTag(), part);
    }

    private static void send(IscsiSession session, IscsiConnection connection, TextRequest pdu, boolean finalFlag,
                             boolean continues, int targetTransferTag, ByteBuf data) {
        connection.send(new TextResponse(finalFlag, continues, pdu.lun(), pdu.initiatorTaskTag(), targetTransferTag,
                connection.nextStatSn(), session.expCmdSn(), session.maxCmdSn(), data));
    }
}
