package io.appliance.replication.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.replication.ReplicatedResource;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PEER_MESSAGE and PEER_MESSAGE_REPLY: records, codes, the 1 MiB round trip and every malformed case. */
class PeerMessageWireTest {

    /** Much smaller than a message payload: the message limit does not depend on max-data-packet. */
    private static final int MAX_DATA = 8192;
    private static final int MIB = 1024 * 1024;

    private final RecordingAllocator alloc = new RecordingAllocator();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void noLeaks() {
        for (EmbeddedChannel channel : channels) {
            assertThat(channel.finishAndReleaseAll()).isFalse();
        }
        if (alloc.allocatedCount() > 0) {
            alloc.assertAllReleased();
        }
    }

    @Test
    void codesAreStableAndTheLimitsAgree() {
        assertThat(Command.PEER_MESSAGE.code()).isEqualTo(0x0060);
        assertThat(Command.PEER_MESSAGE_REPLY.code()).isEqualTo(0x0061);
        assertThat(Command.fromCode(0x0060)).isEqualTo(Command.PEER_MESSAGE);
        assertThat(Command.fromCode(0x0061)).isEqualTo(Command.PEER_MESSAGE_REPLY);
        assertThat(WireFormat.MAX_PEER_MESSAGE_BYTES).isEqualTo(ReplicatedResource.MAX_PEER_MESSAGE_BYTES).isEqualTo(MIB);
        // id + longest channel + payload length + payload, whatever the data packet limit
        assertThat(Command.PEER_MESSAGE.maxPayloadBytes(512)).isEqualTo(8 + 2 + 64 + 4 + MIB);
        assertThat(Command.PEER_MESSAGE_REPLY.maxPayloadBytes(512)).isEqualTo(8 + 1 + 2 + 255);
    }

    @Test
    void aOneMebibyteMessageAndItsRepliesSurviveARoundTrip() {
        byte[] payload = SamplePackets.bytes(MIB, 5);
        String longestChannel = "a".repeat(60) + "._:/";
        List<Packet> sent = List.of(new PeerMessage(Long.MAX_VALUE, longestChannel, payload),
                new PeerMessage(0, "empty", new byte[0]), PeerMessageReply.accepted(Long.MAX_VALUE),
                PeerMessageReply.failed(0, "x".repeat(300)));
        EmbeddedChannel encoder = channel(new PacketEncoder());
        EmbeddedChannel decoder = channel(new PacketDecoder(MAX_DATA));
        for (Packet packet : sent) {
            assertThat(encoder.writeOutbound(packet)).isTrue();
            for (ByteBuf frame; (frame = encoder.readOutbound()) != null; ) {
                decoder.writeInbound(frame);
            }
        }
        List<Object> decoded = new ArrayList<>();
        for (Object packet; (packet = decoder.readInbound()) != null; ) {
            decoded.add(packet);
        }
        assertThat(decoded).containsExactlyElementsOf(sent);
        PeerMessage big = (PeerMessage) decoded.get(0);
        assertThat(big.payload()).isEqualTo(payload);
        assertThat(((PeerMessageReply) decoded.get(3)).reason()).hasSize(255);
    }

    @Test
    void recordsCheckChannelAndPayloadAndCopyDefensively() {
        assertThatThrownBy(() -> new PeerMessage(1, "", new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("channel of 0 characters, outside 1..64");
        assertThatThrownBy(() -> new PeerMessage(1, "c".repeat(65), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("channel of 65 characters, outside 1..64");
        for (String bad : List.of("a b", "lun#1", "é", "a\n", "a\\b", "a@b")) {
            assertThatThrownBy(() -> PeerMessage.checkChannel(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside [A-Za-z0-9._:/-]");
        }
        assertThat(PeerMessage.checkChannel("AZaz09._:/-")).isEqualTo("AZaz09._:/-");
        assertThatThrownBy(() -> new PeerMessage(1, "c", new byte[MIB + 1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload of 1048577 bytes, more than 1048576");

        byte[] payload = {1, 2, 3};
        PeerMessage message = new PeerMessage(7, "c", payload);
        payload[0] = 9;
        message.payload()[1] = 9;
        assertThat(message.payload()).containsExactly(1, 2, 3);
        assertThat(message).isEqualTo(new PeerMessage(7, "c", new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new PeerMessage(7, "c", new byte[] {1, 2, 3}))
                .isNotEqualTo(new PeerMessage(7, "d", new byte[] {1, 2, 3}))
                .isNotEqualTo(new PeerMessage(8, "c", new byte[] {1, 2, 3}));
        assertThat(message.toString()).isEqualTo("PeerMessage[id=7, channel=c, 3 bytes]");
        assertThat(PeerMessageReply.failed(1, "ä".repeat(200)).reason().getBytes(StandardCharsets.UTF_8)).hasSize(254);
    }

    @Test
    void aFrameOverTheMessageLimitIsRefusedFromTheHeaderAlone() {
        long limit = 8 + 2 + 64 + 4 + MIB;
        ByteBuf header = alloc.buffer().writeInt(WireFormat.MAGIC).writeShort(Command.PEER_MESSAGE.code())
                .writeShort(0).writeInt((int) limit + 1);
        EmbeddedChannel decoder = channel(new PacketDecoder(MAX_DATA));
        int allocatedBefore = alloc.allocatedCount();
        decoder.writeInbound(header);
        assertThat(((MalformedPacket) decoder.readInbound()).reason())
                .isEqualTo("PEER_MESSAGE: payload length " + (limit + 1) + " over the limit " + limit);
        assertThat(alloc.allocatedCount()).as("nothing allocated for the payload").isEqualTo(allocatedBefore);
    }

    @Test
    void aPayloadLengthOverOneMebibyteIsMalformedBeforeAnythingIsRead() {
        // the frame is within its limit: only the payload's own length field is too large
        assertMalformed(frame(Command.PEER_MESSAGE, p -> channelField(p.writeLong(1), "c").writeInt(MIB + 1)
                .writeZero(16)), "PEER_MESSAGE: field 'payload' of 1048577 bytes, more than 1048576");
        assertMalformed(frame(Command.PEER_MESSAGE, p -> channelField(p.writeLong(1), "c").writeInt(-1)),
                "PEER_MESSAGE: field 'payload' of 4294967295 bytes, more than 1048576");
    }

    @Test
    void truncatedMessagesAreMalformed() {
        assertMalformed(frame(Command.PEER_MESSAGE, p -> channelField(p.writeLong(1), "c").writeInt(10).writeZero(3)),
                "PEER_MESSAGE: payload ends inside field 'payload'");
        assertMalformed(frame(Command.PEER_MESSAGE, p -> channelField(p.writeLong(1), "c").writeShort(0)),
                "PEER_MESSAGE: payload ends inside field 'payload length'");
        assertMalformed(frame(Command.PEER_MESSAGE, p -> p.writeInt(1)), "PEER_MESSAGE: payload ends inside field 'id'");
        assertMalformed(frame(Command.PEER_MESSAGE_REPLY, p -> p.writeLong(1).writeByte(1)),
                "PEER_MESSAGE_REPLY: payload ends inside field 'reason'");
    }

    @Test
    void trailingBytesAfterThePayloadAreMalformed() {
        assertMalformed(frame(Command.PEER_MESSAGE, p -> channelField(p.writeLong(1), "c").writeInt(2).writeZero(3)),
                "PEER_MESSAGE: 1 trailing bytes after the last field");
    }

    @Test
    void badChannelsAreMalformed() {
        assertMalformed(frame(Command.PEER_MESSAGE, p -> channelField(p.writeLong(1), "a b").writeInt(0)),
                "PEER_MESSAGE: channel 'a b' has a character outside [A-Za-z0-9._:/-] at index 1");
        assertMalformed(frame(Command.PEER_MESSAGE, p -> channelField(p.writeLong(1), "").writeInt(0)),
                "PEER_MESSAGE: channel of 0 characters, outside 1..64");
        assertMalformed(frame(Command.PEER_MESSAGE, p -> channelField(p.writeLong(1), "c".repeat(65)).writeInt(0)),
                "PEER_MESSAGE: channel of 65 characters, outside 1..64");
        assertMalformed(frame(Command.PEER_MESSAGE, p -> p.writeLong(1).writeShort(2).writeByte(0xC3).writeByte(0x28)
                .writeInt(0)), "PEER_MESSAGE: string 'channel' is not valid UTF-8");
    }

    @Test
    void aReplyWithAnOkOtherThanZeroOrOneIsMalformed() {
        assertMalformed(frame(Command.PEER_MESSAGE_REPLY, p -> p.writeLong(1).writeByte(2).writeShort(0)),
                "PEER_MESSAGE_REPLY: field 'ok' is 2, not a boolean 0 or 1");
    }

    @Test
    void aVersionOnePeerAgreesOnVersionOneWhichHasNoMessages() {
        Hello oldPeer = new Hello(1, 1, "r0", "old", 0);
        assertThat(HandshakeRules.checkHello("r0", WireFormat.MIN_PROTOCOL_VERSION, WireFormat.PROTOCOL_VERSION,
                oldPeer)).isEmpty();
        assertThat(HandshakeRules.agreedVersion(WireFormat.MIN_PROTOCOL_VERSION, WireFormat.PROTOCOL_VERSION, oldPeer))
                .isEqualTo(1).isLessThan(WireFormat.PEER_MESSAGES_VERSION);
        Hello newPeer = new Hello(WireFormat.MIN_PROTOCOL_VERSION, WireFormat.PROTOCOL_VERSION, "r0", "new", 0);
        assertThat(HandshakeRules.agreedVersion(WireFormat.MIN_PROTOCOL_VERSION, WireFormat.PROTOCOL_VERSION, newPeer))
                .isEqualTo(WireFormat.PEER_MESSAGES_VERSION);
    }

    /** Feeds the frame to a fresh decoder: exactly one MalformedPacket with this reason, then nothing. */
    private void assertMalformed(ByteBuf frame, String reason) {
        EmbeddedChannel decoder = channel(new PacketDecoder(MAX_DATA));
        decoder.writeInbound(frame);
        Object first = decoder.readInbound();
        assertThat(first).isInstanceOf(MalformedPacket.class);
        assertThat(((MalformedPacket) first).reason()).isEqualTo(reason);
        decoder.writeInbound(frame(Command.PING, p -> { }));
        assertThat(decoder.<Object>readInbound()).isNull();
    }

    private static ByteBuf channelField(ByteBuf payload, String channel) {
        byte[] bytes = channel.getBytes(StandardCharsets.UTF_8);
        return payload.writeShort(bytes.length).writeBytes(bytes);
    }

    private ByteBuf frame(Command command, Consumer<ByteBuf> payloadWriter) {
        ByteBuf payload = alloc.buffer();
        payloadWriter.accept(payload);
        ByteBuf frame = alloc.buffer().writeInt(WireFormat.MAGIC).writeShort(command.code()).writeShort(0)
                .writeInt(payload.readableBytes()).writeBytes(payload);
        payload.release();
        return frame;
    }

    private EmbeddedChannel channel(io.netty.channel.ChannelHandler handler) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(handler);
        channels.add(channel);
        return channel;
    }
}
