package io.appliance.replication.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of bad input becomes one MalformedPacket, after which the decoder discards everything. */
class PacketDecoderMalformedTest {

    private static final int MAX_DATA = 8192;

    private final RecordingAllocator alloc = new RecordingAllocator();
    private EmbeddedChannel decoder;

    @BeforeEach
    void createDecoder() {
        decoder = new EmbeddedChannel();
        decoder.config().setAllocator(alloc);
        decoder.pipeline().addLast(new PacketDecoder(MAX_DATA));
    }

    @AfterEach
    void noLeaks() {
        assertThat(decoder.finishAndReleaseAll()).isFalse();
        alloc.assertAllReleased();
    }

    @Test
    void badMagic() {
        assertMalformed(frame(0x41505232, Command.PING.code(), 0, p -> { }), "bad magic 0x41505232");
    }

    @Test
    void nonZeroReservedField() {
        assertMalformed(frame(WireFormat.MAGIC, Command.PING.code(), 1, p -> { }), "reserved header field is 0x1, not 0");
    }

    @Test
    void unknownCommand() {
        assertMalformed(frame(WireFormat.MAGIC, 0x7777, 0, p -> { }), "unknown command 0x7777");
        assertMalformedAgain();
    }

    @Test
    void dataLengthOverTheLimitIsRefusedFromTheHeaderAlone() {
        ByteBuf header = alloc.buffer().writeInt(WireFormat.MAGIC).writeShort(Command.DATA.code()).writeShort(0)
                .writeInt(17 + MAX_DATA + 512);
        int allocatedBefore = alloc.allocatedCount();
        decoder.writeInbound(header);
        MalformedPacket malformed = decoder.readInbound();
        assertThat(malformed.reason()).isEqualTo("DATA: payload length " + (17 + MAX_DATA + 512) + " over the limit "
                + (17 + MAX_DATA));
        assertThat(alloc.allocatedCount()).as("nothing allocated for the payload").isEqualTo(allocatedBefore);
    }

    @Test
    void hugeLengthOnASmallCommand() {
        ByteBuf header = alloc.buffer().writeInt(WireFormat.MAGIC).writeShort(Command.HELLO.code()).writeShort(0)
                .writeInt(0xFFFF_FFFF);
        decoder.writeInbound(header);
        assertThat(((MalformedPacket) decoder.readInbound()).reason())
                .isEqualTo("HELLO: payload length 4294967295 over the limit 530");
    }

    @Test
    void trailingBytesAfterTheLastField() {
        assertMalformed(frame(Command.NEG_ACK, p -> p.writeLong(1).writeShort(1).writeByte('x').writeByte(0)),
                "NEG_ACK: 1 trailing bytes after the last field");
    }

    @Test
    void trailingBytesOnAnEmptyCommand() {
        assertMalformed(frame(Command.PING, p -> p.writeByte(0)), "PING: payload length 1 over the limit 0");
    }

    @Test
    void missingBytesInAPayload() {
        assertMalformed(frame(Command.SIZES, p -> p.writeLong(1).writeLong(1).writeShort(0)),
                "SIZES: payload ends inside field 'blockSize'");
    }

    @Test
    void enumOrdinalOutOfRange() {
        assertMalformed(frame(Command.STATE, p -> p.writeByte(3).writeByte(0).writeByte(0).writeLong(0)),
                "STATE: field 'role' ordinal 3 out of range 0..2");
    }

    @Test
    void refusalReasonOutOfRange() {
        assertMalformed(frame(Command.REFUSED, p -> p.writeByte(RefusalReason.values().length).writeShort(0)),
                "REFUSED: field 'reason' ordinal 11 out of range 0..10");
    }

    @Test
    void protocolOrdinalOutOfRange() {
        assertMalformed(frame(Command.PARAMS, p -> p.writeByte(3).writeByte(0).writeByte(0).writeByte(0)
                .writeShort(0).writeShort(0).writeByte(0)), "PARAMS: field 'protocol' ordinal 3 out of range 0..2");
    }

    @Test
    void booleanOtherThanZeroOrOne() {
        assertMalformed(frame(Command.SYNC_START, p -> p.writeByte(1).writeByte(2)),
                "SYNC_START: field 'fullSync' is 2, not a boolean 0 or 1");
    }

    @Test
    void stringOver255Bytes() {
        byte[] resource = new byte[256];
        java.util.Arrays.fill(resource, (byte) 'r');
        assertMalformed(frame(Command.HELLO, p -> p.writeInt(1).writeInt(1).writeShort(256).writeBytes(resource)
                .writeShort(1).writeByte('n').writeLong(0)), "HELLO: string 'resource' of 256 bytes, more than 255");
    }

    @Test
    void stringLengthBeyondThePayload() {
        assertMalformed(frame(Command.NEG_ACK, p -> p.writeLong(1).writeShort(10).writeBytes("abc".getBytes(StandardCharsets.UTF_8))),
                "NEG_ACK: payload ends inside field 'reason'");
    }

    @Test
    void invalidUtf8() {
        assertMalformed(frame(Command.NEG_READ_REPLY, p -> p.writeLong(1).writeShort(2).writeByte(0xC3).writeByte(0x28)),
                "NEG_READ_REPLY: string 'reason' is not valid UTF-8");
    }

    @Test
    void dataLengthNotAMultipleOf512() {
        assertMalformed(frame(Command.DATA, p -> p.writeLong(1).writeLong(0).writeByte(0).writeZero(1000)),
                "DATA: field 'data' 1000 is not a multiple of 512");
    }

    @Test
    void emptyData() {
        assertMalformed(frame(Command.RESYNC_DATA, p -> p.writeLong(1).writeLong(0)),
                "RESYNC_DATA: field 'data' 0 out of range 1..8192");
    }

    @Test
    void unalignedOffset() {
        assertMalformed(frame(Command.DATA, p -> p.writeLong(1).writeLong(100).writeByte(0).writeZero(512)),
                "DATA: field 'offset' 100 is not a multiple of 512");
    }

    @Test
    void negativeOffset() {
        assertMalformed(frame(Command.RESYNC_REQUEST, p -> p.writeLong(1).writeLong(-512).writeInt(4096)),
                "RESYNC_REQUEST: field 'offset' is negative: -512");
    }

    @Test
    void unknownDataFlags() {
        assertMalformed(frame(Command.DATA, p -> p.writeLong(1).writeLong(0).writeByte(2).writeZero(512)),
                "DATA: field 'flags' has unknown bits 0x2");
    }

    @Test
    void unknownUuidFlags() {
        assertMalformed(frame(Command.UUIDS, p -> p.writeZero(32).writeLong(0).writeInt(4)),
                "UUIDS: field 'flags' has unknown bits 0x4");
    }

    @Test
    void readRequestLongerThanTheDataLimit() {
        assertMalformed(frame(Command.READ_REQUEST, p -> p.writeLong(1).writeLong(0).writeInt(MAX_DATA + 512)),
                "READ_REQUEST: field 'length' 8704 out of range 1..8192");
    }

    @Test
    void bitmapWordCountNotMatchingThePayload() {
        assertMalformed(frame(Command.BITMAP_CHUNK, p -> p.writeLong(0).writeInt(2).writeLong(1)),
                "BITMAP_CHUNK: field 'words' count 2 does not match the 8 bytes left");
    }

    @Test
    void bitmapWordCountOverTheLimit() {
        assertMalformed(frame(Command.BITMAP_CHUNK, p -> p.writeLong(0).writeInt(8193)),
                "BITMAP_CHUNK: field 'words' count 8193 out of range 1..8192");
    }

    @Test
    void digestTooLong() {
        assertMalformed(frame(Command.VERIFY_REQUEST, p -> p.writeLong(1).writeLong(0).writeInt(4096).writeByte(65).writeZero(65)),
                "VERIFY_REQUEST: payload length 86 over the limit 85");
        createDecoder();
        assertMalformed(frame(Command.CSUM_RESYNC_REQUEST, p -> p.writeLong(1).writeLong(0).writeInt(4096).writeByte(0)),
                "CSUM_RESYNC_REQUEST: field 'digest' of 0 bytes, outside 1..64");
    }

    @Test
    void challengeTooShort() {
        assertMalformed(frame(Command.AUTH_CHALLENGE, p -> p.writeByte(15).writeZero(15)),
                "AUTH_CHALLENGE: field 'challenge' of 15 bytes, outside 16..64");
    }

    @Test
    void helloWithAnEmptyVersionRangeIsMalformedNotAnException() {
        assertMalformed(frame(Command.HELLO, p -> p.writeInt(2).writeInt(1).writeShort(0).writeShort(0).writeLong(0)),
                "HELLO: version range 2..1 is empty or below 1");
    }

    @Test
    void blockSizeNotAPowerOfTwo() {
        assertMalformed(frame(Command.SIZES, p -> p.writeLong(1).writeLong(1).writeInt(1000)),
                "SIZES: field 'blockSize' 1000 is not a power of two in 512..65536");
    }

    @Test
    void validPacketsBeforeTheBadOneAreDeliveredAndNothingAfterIt() {
        ByteBuf stream = alloc.buffer();
        append(stream, frame(Command.FLUSH, p -> p.writeLong(7)));
        append(stream, frame(Command.DATA, p -> p.writeLong(1).writeLong(0).writeByte(0).writeZero(1024)));
        append(stream, frame(0x0BAD0BAD, 1, 0, p -> { }));
        append(stream, frame(Command.FLUSH, p -> p.writeLong(8)));
        decoder.writeInbound(stream);
        assertThat(decoder.<Object>readInbound()).isEqualTo(new Flush(7));
        Data data = decoder.readInbound();
        assertThat(data.data().readableBytes()).isEqualTo(1024);
        data.release();
        assertThat(((MalformedPacket) decoder.readInbound()).reason()).isEqualTo("bad magic 0xbad0bad");
        assertThat(decoder.<Object>readInbound()).isNull();
        assertMalformedAgain();
    }

    /** Feeds the frame, then a valid packet: exactly one MalformedPacket comes out, nothing else. */
    private void assertMalformed(ByteBuf frame, String reason) {
        decoder.writeInbound(frame);
        Object first = decoder.readInbound();
        assertThat(first).isInstanceOf(MalformedPacket.class);
        assertThat(((MalformedPacket) first).reason()).isEqualTo(reason);
        assertMalformedAgain();
    }

    /** After a MalformedPacket the decoder discards everything, even valid frames. */
    private void assertMalformedAgain() {
        decoder.writeInbound(frame(Command.PING, p -> { }));
        assertThat(decoder.<Object>readInbound()).isNull();
    }

    private static void append(ByteBuf stream, ByteBuf frame) {
        stream.writeBytes(frame);
        frame.release();
    }

    private ByteBuf frame(Command command, Consumer<ByteBuf> payload) {
        return frame(WireFormat.MAGIC, command.code(), 0, payload);
    }

    private ByteBuf frame(int magic, int code, int reserved, Consumer<ByteBuf> payloadWriter) {
        ByteBuf payload = alloc.buffer();
        payloadWriter.accept(payload);
        ByteBuf frame = alloc.buffer().writeInt(magic).writeShort(code).writeShort(reserved)
                .writeInt(payload.readableBytes()).writeBytes(payload);
        payload.release();
        return frame;
    }
}
