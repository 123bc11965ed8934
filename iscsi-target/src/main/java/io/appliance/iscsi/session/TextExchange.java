package io.appliance.iscsi.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * One text negotiation on a connection (RFC 7143 §11.10-§11.11): the request text gathered across
 * C-bit continuations, then the answer handed out in parts. Session-loop confined.
 */
final class TextExchange {

    /** Bound on the request text gathered across continuations. */
    static final int MAX_REQUEST_TEXT = 64 * 1024;

    private final int initiatorTaskTag;
    private final int targetTransferTag;
    private ByteBuf request;
    private byte[] response;
    private int responseOffset;
    private boolean requestFinal;

    TextExchange(int initiatorTaskTag, int targetTransferTag) {
        this.initiatorTaskTag = initiatorTaskTag;
        this.targetTransferTag = targetTransferTag;
    }

    int initiatorTaskTag() {
        return initiatorTaskTag;
    }

    int targetTransferTag() {
        return targetTransferTag;
    }

    /** Appends request text; false when the bound would be exceeded. */
    boolean append(ByteBuf data) {
        if (!data.isReadable()) {
            return true;
        }
        if (request == null) {
            request = Unpooled.buffer(data.readableBytes());
        }
        if (request.readableBytes() + data.readableBytes() > MAX_REQUEST_TEXT) {
            return false;
        }
        request.writeBytes(data, data.readerIndex(), data.readableBytes());
        return true;
    }

    byte[] takeRequest() {
        byte[] text = request == null ? new byte[0] : ByteBufUtil.getBytes(request);
        release();
        return text;
    }

    void respond(byte[] answer, boolean finalRequest) {
        response = answer;
        responseOffset = 0;
        requestFinal = finalRequest;
    }

    boolean requestFinal() {
        return requestFinal;
    }

    /** The next part of the answer, at most {@code limit} bytes; the answer is done when none remains. */
    ByteBuf nextPart(int limit) {
        int length = Math.min(limit, response.length - responseOffset);
        ByteBuf part = Unpooled.wrappedBuffer(response, responseOffset, length);
        responseOffset += length;
        return part;
    }

    boolean moreToSend() {
        return response != null && responseOffset < response.length;
    }

    void finishResponse() {
        response = null;
    }

    void release() {
        if (request != null) {
            request.release();
            request = null;
        }
    }
}
