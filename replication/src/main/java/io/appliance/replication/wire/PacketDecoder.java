package io.appliance.replication.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames and decodes replication packets (design §4) as an explicit state machine:
 * <pre>
 *   HEADER ──12 bytes──▶ magic, reserved field, command and payload length checked against the
 *     │                  command's maximum; nothing is allocated and nothing waits for the payload
 *     │                  of a frame that is already known to be bad
 *     ▼
 *   PAYLOAD ──length bytes──▶ fields read from a slice of exactly the payload; the block data of
 *     │                       DATA / READ_REPLY / RESYNC_DATA is a retained slice (no copy)
 *     └──▶ HEADER
 *   FAILED: after a MalformedPacket every further byte is discarded; the receiver closes.
 * </pre>
 * Emits {@link Packet}s and at most one {@link MalformedPacket}; never throws on the peer's bytes.
 * Not sharable: one instance per connection.
 */
public final class PacketDecoder extends ByteToMessageDecoder {

    private enum Phase { HEADER, PAYLOAD, FAILED }

    private final int maxDataBytes;

    private Phase phase = Phase.HEADER;
    private Command command;
    private int payloadLength;

    /**
     * @param maxDataBytes the largest block data accepted in one packet (the resource's
     *                     max-data-packet size): a positive multiple of 512, at most 128 MiB
     */
    public PacketDecoder(long maxDataBytes) {
        if (maxDataBytes < WireFormat.SECTOR_BYTES || maxDataBytes > WireFormat.MAX_DATA_BYTES_LIMIT
                || maxDataBytes % WireFormat.SECTOR_BYTES != 0) {
            throw new IllegalArgumentException("maxDataBytes " + maxDataBytes + " is not a multiple of "
                    + WireFormat.SECTOR_BYTES + " in " + WireFormat.SECTOR_BYTES + ".." + WireFormat.MAX_DATA_BYTES_LIMIT);
        }
        this.maxDataBytes = (int) maxDataBytes;
    }

    public int maxDataBytes() {
        return maxDataBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (phase == Phase.FAILED) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (phase == Phase.HEADER) {
            if (in.readableBytes() < WireFormat.HEADER_BYTES) {
                return;
            }
            String problem = readHeader(in);
            if (problem != null) {
                fail(in, out, problem);
                return;
            }
            phase = Phase.PAYLOAD;
        }
        if (in.readableBytes() < payloadLength) {
            return;
        }
        ByteBuf payload = in.readSlice(payloadLength);
        phase = Phase.HEADER;
        try {
            out.add(PacketFields.read(command, new PayloadReader(payload, maxDataBytes)));
        } catch (MalformedPayloadException e) {
            fail(in, out, command + ": " + e.getMessage());
        }
    }

    /** Reads the frame header; returns what is wrong with it, or null when the payload may follow. */
    private String readHeader(ByteBuf in) {
        int magic = in.readInt();
        int code = in.readUnsignedShort();
        int reserved = in.readUnsignedShort();
        long length = in.readUnsignedInt();
        if (magic != WireFormat.MAGIC) {
            return "bad magic 0x" + Integer.toHexString(magic);
        }
        if (reserved != 0) {
            return "reserved header field is 0x" + Integer.toHexString(reserved) + ", not 0";
        }
        command = Command.fromCode(code);
        if (command == null) {
            return "unknown command 0x" + Integer.toHexString(code);
        }
        long max = command.maxPayloadBytes(maxDataBytes);
        if (length > max) {
            return command + ": payload length " + length + " over the limit " + max;
        }
        payloadLength = (int) length;
        return null;
    }

    private void fail(ByteBuf in, List<Object> out, String reason) {
        phase = Phase.FAILED;
        in.skipBytes(in.readableBytes());
        out.add(new MalformedPacket(reason));
    }
}
