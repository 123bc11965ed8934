package io.appliance.replication.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes a {@link Packet} as one frame: the header and fixed fields in one buffer, written field
 * by field ({@link PacketFields}), and the block data of a {@link DataPacket} as a second buffer
 * without copying. The packet is consumed: its data reference passes to the socket write.
 * Sharable: it keeps no state.
 */
@ChannelHandler.Sharable
public final class PacketEncoder extends MessageToMessageEncoder<Packet> {

    /** Header bytes plus room for the fixed fields of every command but BITMAP_CHUNK and PEER_MESSAGE (sized to fit). */
    private static final int INITIAL_BUFFER_BYTES = WireFormat.HEADER_BYTES + 128;

    public PacketEncoder() {
        super(Packet.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Packet packet, List<Object> out) {
        // re-checked here: the data's reader index may have moved since the packet was built
        ByteBuf data = packet instanceof DataPacket dataPacket ? FieldChecks.data(dataPacket.data()) : null;
        int dataBytes = data == null ? 0 : data.readableBytes();
        ByteBuf frame = ctx.alloc().ioBuffer(initialBytes(packet));
        try {
            encodeHeaderAndFields(packet, dataBytes, frame);
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
        out.add(frame);
        if (data != null) {
            // MessageToMessageEncoder releases the packet (its data) after encode: keep a reference for the write
            out.add(data.retainedDuplicate());
        }
    }

    /** Header with the payload length patched in after the fields, then the fixed fields. */
    private static void encodeHeaderAndFields(Packet packet, int dataBytes, ByteBuf frame) {
        int start = frame.writerIndex();
        frame.writeInt(WireFormat.MAGIC);
        frame.writeShort(packet.command().code());
        frame.writeShort(0);
        frame.writeInt(0);
        PacketFields.write(packet, frame);
        int fieldBytes = frame.writerIndex() - start - WireFormat.HEADER_BYTES;
        frame.setInt(start + 8, fieldBytes + dataBytes);
    }

    private static int initialBytes(Packet packet) {
        if (packet instanceof BitmapChunk chunk) {
            return WireFormat.HEADER_BYTES + 12 + Long.BYTES * chunk.wordCount();
        }
        if (packet instanceof PeerMessage message) {
            return INITIAL_BUFFER_BYTES + message.payloadLength();
        }
        return INITIAL_BUFFER_BYTES;
    }
}
