package io.appliance.replication.sync;

import static io.appliance.replication.sync.SyncFixture.BLOCK;
import static io.appliance.replication.sync.SyncFixture.KIB;
import static io.appliance.replication.sync.SyncFixture.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.replication.meta.OutOfSyncBitmap;
import io.appliance.replication.wire.VerifyDone;
import io.appliance.replication.wire.VerifyRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VerifyTest {

    private static final int CHUNK = 256 * KIB;

    private SyncFixture fixture;

    @AfterEach
    void closeFixture() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** VerifyS on the "source" side of the fixture, VerifyT on the "target" side. */
    private VerifySource verifySource(DigestAlgorithm algorithm, long start, ResyncRateController rate) {
        return new VerifySource(fixture.sourceContext(), SyncLimits.defaults(), rate, algorithm, start);
    }

    private void run(VerifySource source, VerifyTarget target, int maxRounds) {
        for (int round = 0; round < maxRounds && !source.done().isDone(); round++) {
            source.tick();
            fixture.toTarget.deliverTo(target::onPacket);
            fixture.toSource.deliverTo(source::onReply);
            fixture.clock.advance(Duration.ofMillis(10));
        }
        fixture.toTarget.deliverTo(target::onPacket);
    }

    private static List<Long> setBits(OutOfSyncBitmap bitmap) {
        List<Long> bits = new ArrayList<>();
        for (long bit = bitmap.nextSetBit(0); bit >= 0; bit = bitmap.nextSetBit(bit + 1)) {
            bits.add(bit);
        }
        return bits;
    }

    private static List<Long> bitsOfChunks(long... chunkOffsets) {
        List<Long> bits = new ArrayList<>();
        for (long offset : chunkOffsets) {
            for (long bit = offset / BLOCK; bit < (offset + CHUNK) / BLOCK; bit++) {
                bits.add(bit);
            }
        }
        return bits;
    }

    @Test
    void findsExactlyTheChunksChangedBehindItsBackAndMarksThemOnBothSides() throws Exception {
        fixture = new SyncFixture(8 * MIB, 21);
        fixture.targetData.put(CHUNK + 17 * BLOCK, SyncFixture.random(100, 210));      // one byte range in chunk 1
        fixture.targetData.put(5 * CHUNK + CHUNK - 512, SyncFixture.random(1024, 211)); // spans chunks 5 and 6
        fixture.sourceData.put(31 * CHUNK, SyncFixture.random(BLOCK, 212));           // last chunk, source side

        VerifySource source = verifySource(DigestAlgorithm.SHA256, 0, fixture.fastRate());
        VerifyTarget target = new VerifyTarget(fixture.targetContext(), DigestAlgorithm.SHA256);
        run(source, target, 1000);

        VerifyResult result = source.done().join();
        long expectedBlocks = 4 * (CHUNK / BLOCK);
        assertThat(result.outOfSyncBlocks()).isEqualTo(expectedBlocks);
        assertThat(result.verifiedBytes()).isEqualTo(8 * MIB);
        assertThat(target.done().join()).isEqualTo(new VerifyResult(expectedBlocks, 8 * MIB));
        List<Long> expectedBits = bitsOfChunks(CHUNK, 5L * CHUNK, 6L * CHUNK, 31L * CHUNK);
        assertThat(setBits(fixture.sourceBitmap())).isEqualTo(expectedBits);
        assertThat(setBits(fixture.targetBitmap())).isEqualTo(expectedBits);
        assertThat(fixture.targetBitsOnDisk()).isEqualTo(expectedBlocks);
        assertThat(fixture.sourceCounters.verifyOutOfSyncBlocks()).isEqualTo(expectedBlocks);
        assertThat(fixture.targetCounters.verifiedBytes()).isEqualTo(8 * MIB);
        assertThat(source.progress().percentDone()).isEqualTo(100.0);
    }

    @Test
    void identicalDisksVerifyClean() throws Exception {
        fixture = new SyncFixture(4 * MIB, 22);
        VerifySource source = verifySource(DigestAlgorithm.CRC32C, 0, fixture.fastRate());
        VerifyTarget target = new VerifyTarget(fixture.targetContext(), DigestAlgorithm.CRC32C);
        run(source, target, 1000);

        assertThat(source.done().join()).isEqualTo(new VerifyResult(0, 4 * MIB));
        assertThat(target.done().join().outOfSyncBlocks()).isZero();
        assertThat(fixture.sourceBitmap().cardinality()).isZero();
        assertThat(fixture.targetBitmap().cardinality()).isZero();
    }

    @Test
    void startsAtTheGivenOffsetAndUsesChunksAndTheInFlightLimit() throws Exception {
        fixture = new SyncFixture(4 * MIB, 23);
        fixture.targetData.put(0, SyncFixture.random(BLOCK, 230));                    // before the start: not seen
        VerifySource source = verifySource(DigestAlgorithm.SHA1, 2 * MIB + 1000, fixture.fastRate());
        VerifyTarget target = new VerifyTarget(fixture.targetContext(), DigestAlgorithm.SHA1);

        source.tick();
        List<Long> offsets = fixture.toTarget.peek().stream().map(packet -> ((VerifyRequest) packet).offset()).toList();
        assertThat(offsets).containsExactly(2L * MIB, 2L * MIB + CHUNK, 2L * MIB + 2 * CHUNK, 2L * MIB + 3 * CHUNK);
        assertThat(source.requestsInFlight()).isEqualTo(4);
        run(source, target, 1000);

        assertThat(source.done().join()).isEqualTo(new VerifyResult(0, 2 * MIB));
    }

    @Test
    void isRateLimited() throws Exception {
        fixture = new SyncFixture(8 * MIB, 24);
        VerifySource source = verifySource(DigestAlgorithm.MD5, 0,
                new ResyncRateController(fixture.clock, MIB, 250 * KIB));
        VerifyTarget target = new VerifyTarget(fixture.targetContext(), DigestAlgorithm.MD5);

        run(source, target, 200);                                                      // 2 s at 1 MiB/s

        assertThat(source.done()).isNotDone();
        long verified = fixture.sourceCounters.verifiedBytes();
        assertThat(verified).isBetween(2L * MIB - CHUNK, 2L * MIB + 256 * KIB + CHUNK);
        SyncProgress progress = source.progress();
        assertThat(progress.remainingBytes()).isEqualTo(8 * MIB - verified);
        source.abort();
        Throwable thrown = catchThrowable(() -> source.done().join());
        assertThat(thrown).isInstanceOf(CompletionException.class).cause().isInstanceOf(SyncException.class);
    }

    @Test
    void chunkWrittenDuringItsVerifyIsVerifiedAgain() throws Exception {
        fixture = new SyncFixture(MIB, 25);
        VerifySource source = verifySource(DigestAlgorithm.SHA1, 0, fixture.fastRate());
        VerifyTarget target = new VerifyTarget(fixture.targetContext(), DigestAlgorithm.SHA1);

        source.tick();                                                                  // digests of the old data
        byte[] newer = SyncFixture.random(BLOCK, 250);
        source.onApplicationWrite(CHUNK + BLOCK, BLOCK);                               // write reaches the target first
        fixture.targetData.put(CHUNK + BLOCK, newer);
        fixture.toTarget.deliverTo(target::onPacket);
        fixture.sourceData.put(CHUNK + BLOCK, newer);
        source.onApplicationWrite(CHUNK + BLOCK, BLOCK);
        fixture.toSource.deliverTo(source::onReply);
        run(source, target, 1000);

        assertThat(source.done().join().outOfSyncBlocks()).isZero();
        assertThat(fixture.sourceBitmap().cardinality()).isZero();
        assertThat(fixture.sourceCounters.verifiedBytes()).isEqualTo(MIB);
        assertThat(fixture.targetBitmap().anySet(CHUNK, CHUNK)).isTrue();             // the target's spurious mark
    }

    @Test
    void verifyDoneEndsTheTargetWithTheSourcesCount() throws Exception {
        fixture = new SyncFixture(MIB, 26);
        VerifyTarget target = new VerifyTarget(fixture.targetContext(), DigestAlgorithm.SHA1);
        target.onPacket(new VerifyDone(7));
        assertThat(target.done().join()).isEqualTo(new VerifyResult(7, 0));
    }
}
