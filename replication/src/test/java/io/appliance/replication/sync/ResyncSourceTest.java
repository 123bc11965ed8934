package io.appliance.replication.sync;

import static io.appliance.replication.sync.SyncFixture.KIB;
import static io.appliance.replication.sync.SyncFixture.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.replication.wire.CsumResyncRequest;
import io.appliance.replication.wire.Packet;
import io.appliance.replication.wire.ResyncData;
import io.appliance.replication.wire.ResyncInSync;
import io.appliance.replication.wire.ResyncNegReply;
import io.appliance.replication.wire.ResyncRequest;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResyncSourceTest {

    private SyncFixture fixture;

    @BeforeEach
    void open() throws Exception {
        fixture = new SyncFixture(MIB, 31);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private List<Packet> replies() {
        List<Packet> replies = fixture.toTarget.peek();
        fixture.toTarget.deliverTo(packet -> { });
        return replies;
    }

    @Test
    void answersWithTheLocalBytes() {
        ResyncSource source = fixture.resyncSource(Optional.empty());
        source.onRequest(new ResyncRequest(5, 64 * KIB, 8 * KIB));
        List<Packet> replies = fixture.toTarget.peek();
        assertThat(replies).hasSize(1);
        ResyncData data = (ResyncData) replies.get(0);
        try {
            assertThat(data.id()).isEqualTo(5);
            assertThat(data.offset()).isEqualTo(64 * KIB);
            assertThat(ByteBufUtil.getBytes(data.data())).isEqualTo(fixture.sourceData.range(64 * KIB, 8 * KIB));
        } finally {
            fixture.toTarget.deliverTo(packet -> data.release());
        }
        assertThat(fixture.sourceCounters.sentBytes()).isEqualTo(8 * KIB);
    }

    @Test
    void checksumRequestsAreAnsweredInSyncOrWithData() {
        ResyncSource source = fixture.resyncSource(Optional.of(DigestAlgorithm.CRC32C));
        Digests crc = Digests.of(DigestAlgorithm.CRC32C);
        byte[] same = crc.digest(ByteBuffer.wrap(fixture.sourceData.range(0, 4 * KIB)));
        byte[] other = crc.digest(ByteBuffer.wrap(new byte[4 * KIB]));

        source.onRequest(new CsumResyncRequest(1, 0, 4 * KIB, same));
        assertThat(replies()).containsExactly(new ResyncInSync(1, 0, 4 * KIB));

        source.onRequest(new CsumResyncRequest(2, 0, 4 * KIB, other));
        List<Packet> replies = fixture.toTarget.peek();
        assertThat(replies).singleElement().isInstanceOf(ResyncData.class);
        fixture.toTarget.deliverTo(packet -> ((ResyncData) packet).release());
        assertThat(fixture.sourceCounters.skippedBytes()).isEqualTo(4 * KIB);
        assertThat(fixture.sourceCounters.sentBytes()).isEqualTo(4 * KIB);
    }

    @Test
    void refusesRangesOutsideTheAreaAndReadErrors() {
        ResyncSource source = fixture.resyncSource(Optional.empty());
        source.onRequest(new ResyncRequest(1, MIB - 4 * KIB, 8 * KIB));
        fixture.sourceData.failReadsWhere(offset -> offset == 0);
        source.onRequest(new ResyncRequest(2, 0, 4 * KIB));

        List<Packet> replies = replies();
        assertThat(replies).hasSize(2);
        assertThat(((ResyncNegReply) replies.get(0)).reason()).contains("outside the data area");
        assertThat(((ResyncNegReply) replies.get(1)).reason()).contains("injected read error");
        assertThat(fixture.sourceCounters.negativeReplies()).isEqualTo(2);
        assertThat(source.outstandingReads()).isZero();
    }

    @Test
    void closedSourceAnswersNothing() {
        ResyncSource source = fixture.resyncSource(Optional.empty());
        source.close();
        source.onRequest(new ResyncRequest(1, 0, 4 * KIB));
        assertThat(fixture.toTarget.size()).isZero();
    }
}
