package io.appliance.replication.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PacketRecordsTest {

    @Test
    void byteArrayRecordsCompareByContentAndCopyDefensively() {
        byte[] digest = {1, 2, 3, 4};
        VerifyRequest request = new VerifyRequest(1, 0, 4096, digest);
        digest[0] = 9;
        assertThat(request).isEqualTo(new VerifyRequest(1, 0, 4096, new byte[] {1, 2, 3, 4}))
                .hasSameHashCodeAs(new VerifyRequest(1, 0, 4096, new byte[] {1, 2, 3, 4}))
                .isNotEqualTo(new VerifyRequest(1, 0, 4096, new byte[] {1, 2, 3, 5}));
        request.digest()[1] = 9;
        assertThat(request.digest()).containsExactly(1, 2, 3, 4);
        assertThat(new AuthChallenge(new byte[16])).isEqualTo(new AuthChallenge(new byte[16]));
        assertThat(new BitmapChunk(1, new long[] {5})).isEqualTo(new BitmapChunk(1, new long[] {5}))
                .isNotEqualTo(new BitmapChunk(2, new long[] {5}));
    }

    @Test
    void toStringShowsLengthsNeverContent() {
        assertThat(new AuthResponse(new byte[] {0x7f, 0x7e}).toString()).isEqualTo("AuthResponse[2 bytes]");
        assertThat(new CsumResyncRequest(3, 512, 512, new byte[4]).toString())
                .isEqualTo("CsumResyncRequest[id=3, offset=512, length=512, digest=4 bytes]");
        assertThat(new BitmapChunk(7, new long[100]).toString()).isEqualTo("BitmapChunk[firstWord=7, words=100]");
        ByteBuf data = Unpooled.buffer(512).writeZero(512);
        ResyncData resyncData = new ResyncData(1, 4096, data);
        assertThat(resyncData.toString()).isEqualTo("ResyncData[id=1, offset=4096, dataBytes=512]");
        assertThat(resyncData.release()).isTrue();
        ReadReply reply = new ReadReply(2, Unpooled.buffer(1024).writeZero(1024));
        assertThat(reply.toString()).isEqualTo("ReadReply[id=2, dataBytes=1024]");
        assertThat(reply.retain().refCnt()).isEqualTo(2);
        assertThat(reply.release(2)).isTrue();
    }

    @Test
    void recordsRefuseWhatCannotBeEncoded() {
        String longName = "x".repeat(256);
        assertThatThrownBy(() -> new Hello(1, 1, longName, "n", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hello(0, 1, "r0", "n", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Data(1, 100, false, Unpooled.buffer(512).writeZero(512)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Data(1, 0, false, Unpooled.buffer(100).writeZero(100)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReadRequest(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuthChallenge(new byte[15])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BitmapChunk(0, new long[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Sizes(0, 0, 768)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Uuids(io.appliance.replication.state.GenerationIds.justCreated(), 0, 8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longMessagesAreCutAtACharacterBoundaryWithin255Bytes() {
        String message = "é".repeat(200);  // 400 UTF-8 bytes
        Refused refused = new Refused(RefusalReason.BUSY, message);
        assertThat(refused.message().getBytes(StandardCharsets.UTF_8)).hasSize(254);
        assertThat(refused.message()).isEqualTo("é".repeat(127));
        assertThat(new NegAck(1, "short").reason()).isEqualTo("short");
    }

    @Test
    void uuidFlagsHelpers() {
        Uuids uuids = Uuids.of(io.appliance.replication.state.GenerationIds.justCreated(), 3, true, false);
        assertThat(uuids.flags()).isEqualTo(Uuids.CRASHED_PRIMARY);
        assertThat(uuids.crashedPrimary()).isTrue();
        assertThat(uuids.discardMyData()).isFalse();
    }
}
