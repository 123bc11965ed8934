package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One iSCSI PDU (RFC 7143 §11): a Basic Header Segment, optional Additional Header Segments and
 * an optional data segment. Digests and padding are the codec's business, not the PDU's.
 *
 * <p>Reference counting is that of {@link #data()}: whoever holds a PDU releases it once, which
 * releases its data segment (a no-op for PDUs without one).
 */
public sealed interface IscsiPdu extends ReferenceCounted
        permits NopOut, NopIn, ScsiCommandPdu, ScsiResponsePdu, TaskManagementRequest,
        TaskManagementResponse, LoginRequest, LoginResponse, TextRequest, TextResponse, DataOut,
        DataIn, LogoutRequest, LogoutResponse, SnackRequest, ReadyToTransfer, AsyncMessage, Reject {

    /** Initiator Task Tag value meaning "no task", RFC 7143 §11.18.1. */
    int RESERVED_TAG = 0xFFFF_FFFF;

    Opcode opcode();

    /** The I bit (immediate delivery, RFC 7143 §4.2.2.1); always false for target PDUs. */
    default boolean immediate() {
        return false;
    }

    int initiatorTaskTag();

    /** The data segment without padding; empty, never null, when the PDU carries none. */
    ByteBuf data();

    /**
     * Writes the 48-byte BHS followed by the AHS, if any, in the order of the RFC figure, with
     * TotalAHSLength and DataSegmentLength taken from this PDU.
     */
    void encodeHeader(ByteBuf out);

    @Override
    default int refCnt() {
        return data().refCnt();
    }

    @Override
    default IscsiPdu retain() {
        data().retain();
        return this;
    }

    @Override
    default IscsiPdu retain(int increment) {
        data().retain(increment);
        return this;
    }

    @Override
    default IscsiPdu touch() {
        data().touch();
        return this;
    }

    @Override
    default IscsiPdu touch(Object hint) {
        data().touch(hint);
        return this;
    }

    @Override
    default boolean release() {
        return data().release();
    }

    @Override
    default boolean release(int decrement) {
        return data().release(decrement);
    }
}
