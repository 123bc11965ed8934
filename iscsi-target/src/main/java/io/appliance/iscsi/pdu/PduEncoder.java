package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Encodes PDUs (RFC 7143 §11.2): header (BHS, AHS), header digest, data segment, padding to four
 * bytes, data digest. Small data segments are copied next to the header; larger ones are passed
 * on as a retained slice (Data-In stays zero-copy) with a small trailer for padding and digest.
 *
 * <p>Not sharable: digests are per connection, switched on the event loop between PDUs.
 */
public final class PduEncoder extends MessageToMessageEncoder<IscsiPdu> {

    /** Data segments up to this size are copied into the header buffer: one buffer, one write. */
    static final int INLINE_DATA_LIMIT = 2048;
    private static final int HEADER_CAPACITY = 64;

    private boolean headerDigest;
    private boolean dataDigest;

    public PduEncoder() {
        super(IscsiPdu.class);
    }

    /** Switches digests for the next PDU written (RFC 7143 §13.1: after the final Login Response). */
    public void digests(boolean header, boolean data) {
        this.headerDigest = header;
        this.dataDigest = data;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, IscsiPdu pdu, List<Object> out) {
        encode(ctx.alloc(), pdu, out);
    }

    /** Appends the wire form of {@code pdu} to {@code out} as one or more buffers; does not release the PDU. */
    public void encode(ByteBufAllocator allocator, IscsiPdu pdu, List<Object> out) {
        ByteBuf data = pdu.data();
        int dataLength = data.readableBytes();
        int padding = ((dataLength + 3) & ~3) - dataLength;
        boolean inline = dataLength <= INLINE_DATA_LIMIT;
        ByteBuf buffer = allocator.ioBuffer(HEADER_CAPACITY + (inline ? dataLength + 8 : 0));
        try {
            int headerStart = buffer.writerIndex();
            pdu.encodeHeader(buffer);
            if (headerDigest) {
                Crc32c.write(buffer, Crc32c.of(buffer, headerStart, buffer.writerIndex() - headerStart, 0));
            }
            if (dataLength == 0) {
                out.add(buffer);
                return;
            }
            int digest = dataDigest ? Crc32c.of(data, data.readerIndex(), dataLength, padding) : 0;
            if (inline) {
                buffer.writeBytes(data, data.readerIndex(), dataLength);
                buffer.writeZero(padding);
                if (dataDigest) {
                    Crc32c.write(buffer, digest);
                }
                out.add(buffer);
                return;
            }
            out.add(buffer);
            buffer = null;
            out.add(data.retainedSlice());
            if (padding > 0 || dataDigest) {
                ByteBuf trailer = allocator.ioBuffer(8);
                trailer.writeZero(padding);
                if (dataDigest) {
                    Crc32c.write(trailer, digest);
                }
                out.add(trailer);
            }
        } catch (RuntimeException e) {
            if (buffer != null) {
                buffer.release();
            }
            throw e;
        }
    }
}
