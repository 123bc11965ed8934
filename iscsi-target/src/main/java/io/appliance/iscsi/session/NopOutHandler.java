package io.appliance.iscsi.session;

import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.NopIn;
import io.appliance.iscsi.pdu.NopOut;
import io.appliance.iscsi.pdu.RejectReason;
import io.netty.buffer.ByteBuf;

/**
 * NOP-Out (RFC 7143 §11.18): with a valid ITT a ping answered by a NOP-In echoing its data; with
 * ITT 0xffffffff the answer to our NOP-In (or a bare ping), which gets no reply (§11.18.1).
 */
final class NopOutHandler extends PduHandler<NopOut> {

    NopOutHandler() {
        super(NopOut.class);
    }

    @Override
    void handle(IscsiSession session, IscsiConnection connection, NopOut pdu) throws PduRejectedException {
        if (pdu.initiatorTaskTag() == IscsiPdu.RESERVED_TAG) {
            if (!pdu.immediate()) {
                // §11.18: a NOP-Out that wants no answer must be immediate
                throw new PduRejectedException(RejectReason.PROTOCOL_ERROR, "NOP-Out with ITT 0xffffffff without I bit");
            }
            connection.pingAnswered(pdu.targetTransferTag());
            return;
        }
        if (pdu.targetTransferTag() != IscsiPdu.RESERVED_TAG) {
            connection.pingAnswered(pdu.targetTransferTag());
        }
        session.inOrder(connection, pdu, pdu.cmdSn(), pdu.immediate(), () -> {
            ByteBuf data = pdu.data();
            int echoed = Math.min(data.readableBytes(), connection.parameters().initiatorMaxRecvDataSegmentLength());
            connection.send(new NopIn(pdu.lun(), pdu.initiatorTaskTag(), IscsiPdu.RESERVED_TAG,
                    connection.nextStatSn(), session.expCmdSn(), session.maxCmdSn(),
                    data.retainedSlice(data.readerIndex(), echoed)));
        });
    }
}
