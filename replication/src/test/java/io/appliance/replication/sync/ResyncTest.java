package io.appliance.replication.sync;

import static io.appliance.replication.sync.SyncFixture.BLOCK;
import static io.appliance.replication.sync.SyncFixture.KIB;
import static io.appliance.replication.sync.SyncFixture.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.replication.wire.CsumResyncRequest;
import io.appliance.replication.wire.Packet;
import io.appliance.replication.wire.ResyncRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResyncTest {

    private SyncFixture fixture;

    @AfterEach
    void closeFixture() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static SyncException failureOf(ResyncTarget target) {
        assertThat(target.done()).isCompletedExceptionally();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> target.done().join());
        assertThat(thrown).isInstanceOf(CompletionException.class).cause().isInstanceOf(SyncException.class);
        return (SyncException) thrown.getCause();
    }

    @Test
    void bitmapResyncCopiesExactlyTheMarkedBlocks() throws Exception {
        fixture = new SyncFixture(8 * MIB, 1);
        fixture.writeOnSourceWhileDisconnected(0, BLOCK, 10);
        fixture.writeOnSourceWhileDisconnected(300 * KIB, 12 * KIB, 11);
        fixture.writeOnSourceWhileDisconnected(4 * MIB - BLOCK, 2 * BLOCK, 12);       // crosses a 4 MiB extent
        fixture.writeOnSourceWhileDisconnected(8 * MIB - 200 * KIB, 200 * KIB, 13);   // runs up to the device end
        long markedBytes = fixture.targetBitmap().outOfSyncBytes();
        assertThat(markedBytes).isEqualTo((1 + 3 + 2 + 50) * BLOCK);

        ResyncTarget target = fixture.resyncTarget(Optional.empty());
        ResyncSource source = fixture.resyncSource(Optional.empty());
        fixture.run(target, source, 1000);

        assertThat(target.done()).isCompleted();
        assertThat(fixture.targetData.snapshot()).isEqualTo(fixture.sourceData.snapshot());
        assertThat(fixture.targetCounters.requestedBytes()).isEqualTo(markedBytes);
        assertThat(fixture.targetCounters.receivedBytes()).isEqualTo(markedBytes);
        assertThat(fixture.targetCounters.writtenBytes()).isEqualTo(markedBytes);
        assertThat(fixture.sourceCounters.sentBytes()).isEqualTo(markedBytes);
        assertThat(fixture.targetBitmap().cardinality()).isZero();
        assertThat(fixture.targetBitsOnDisk()).isZero();
        assertThat(fixture.targetData.fuaWrites()).isZero();
        assertThat(fixture.targetData.flushes()).isPositive();
        assertThat(target.progress().percentDone()).isEqualTo(100.0);
    }

    @Test
    void requestsAreRunsOfAtMost128KiBWithUniqueIdsAndBoundedInFlight() throws Exception {
        fixture = new SyncFixture(4 * MIB, 2);
        fixture.targetBitmap().setAll();
        ResyncTarget target = fixture.resyncTarget(Optional.empty());

        target.tick();
        target.tick();

        var requests = fixture.toSource.peek();
        assertThat(requests).hasSize(8);
        assertThat(target.requestsInFlight()).isEqualTo(8);
        assertThat(requests).allSatisfy(packet -> assertThat(((ResyncRequest) packet).length()).isEqualTo(128 * KIB));
        assertThat(requests.stream().mapToLong(packet -> ((ResyncRequest) packet).id()).distinct().count())
                .isEqualTo(8);
        assertThat(requests.stream().mapToLong(packet -> ((ResyncRequest) packet).offset()))
                .containsExactly(0L, 128L * KIB, 256L * KIB, 384L * KIB, 512L * KIB, 640L * KIB, 768L * KIB, 896L * KIB);
    }

    @Test
    void fullSyncWithRepliesInReverseOrder() throws Exception {
        fixture = new SyncFixture(4 * MIB, 3);
        fixture.sourceData.put(0, SyncFixture.random(4 * MIB, 33));
        fixture.targetBitmap().setAll();
        ResyncTarget target = fixture.resyncTarget(Optional.empty());
        ResyncSource source = fixture.resyncSource(Optional.empty());

        for (int round = 0; round < 1000 && !target.done().isDone(); round++) {
            target.tick();
            fixture.toSource.deliverReversedTo(source::onRequest);
            fixture.toTarget.deliverReversedTo(target::onReply);
            fixture.clock.advance(Duration.ofMillis(10));
        }

        assertThat(target.done()).isCompleted();
        assertThat(fixture.targetData.snapshot()).isEqualTo(fixture.sourceData.snapshot());
        assertThat(fixture.targetCounters.receivedBytes()).isEqualTo(4 * MIB);
    }

    @Test
    void checksumResyncSkipsEqualRuns() throws Exception {
        fixture = new SyncFixture(4 * MIB, 4);
        fixture.sourceData.put(5 * BLOCK, SyncFixture.random(BLOCK, 40));              // run 0
        fixture.sourceData.put(MIB + 3 * BLOCK, SyncFixture.random(2 * BLOCK, 41));     // run 8
        fixture.sourceData.put(4 * MIB - BLOCK, SyncFixture.random(BLOCK, 42));        // last run
        fixture.targetBitmap().setAll();                                               // e.g. invalidate: full sync

        ResyncTarget target = fixture.resyncTarget(Optional.of(DigestAlgorithm.SHA1));
        ResyncSource source = fixture.resyncSource(Optional.of(DigestAlgorithm.SHA1));
        assertThat(fixture.toSource.size()).isZero();
        target.tick();
        assertThat(fixture.toSource.peek()).allSatisfy(packet -> assertThat(packet).isInstanceOf(CsumResyncRequest.class));
        fixture.run(target, source, 1000);

        assertThat(target.done()).isCompleted();
        assertThat(fixture.targetData.snapshot()).isEqualTo(fixture.sourceData.snapshot());
        long changedRuns = 3 * 128 * KIB;
        assertThat(fixture.targetCounters.receivedBytes()).isEqualTo(changedRuns);
        assertThat(fixture.targetCounters.skippedBytes()).isEqualTo(4 * MIB - changedRuns);
        assertThat(fixture.sourceCounters.sentBytes()).isEqualTo(changedRuns);
        assertThat(fixture.sourceCounters.skippedBytes()).isEqualTo(4 * MIB - changedRuns);
        assertThat(fixture.targetBitsOnDisk()).isZero();
    }

    @Test
    void staleReplyNeverOverwritesAnApplicationWrite() throws Exception {
        fixture = new SyncFixture(MIB, 5);
        fixture.writeOnSourceWhileDisconnected(0, 128 * KIB, 50);
        ResyncTarget target = fixture.resyncTarget(Optional.empty());
        ResyncSource source = fixture.resyncSource(Optional.empty());

        target.tick();
        fixture.toSource.deliverTo(source::onRequest);                 // the source answers with the old data
        byte[] newer = SyncFixture.random(8 * KIB, 51);
        target.onApplicationWrite(4 * BLOCK, newer.length);            // the primary writes; replicated to us
        fixture.targetData.put(4 * BLOCK, newer);
        fixture.sourceData.put(4 * BLOCK, newer);
        fixture.toTarget.deliverTo(target::onReply);                   // the older reply arrives after it

        assertThat(fixture.targetData.range(4 * BLOCK, newer.length)).isEqualTo(newer);
        assertThat(fixture.targetCounters.staleReplies()).isEqualTo(1);
        assertThat(fixture.targetBitmap().anySet(0, 128 * KIB)).isTrue();

        fixture.run(target, source, 1000);
        assertThat(target.done()).isCompleted();
        assertThat(fixture.targetData.snapshot()).isEqualTo(fixture.sourceData.snapshot());
        assertThat(fixture.targetData.range(4 * BLOCK, newer.length)).isEqualTo(newer);
    }

    @Test
    void applicationWriteDuringTheResyncWriteKeepsTheBitsSet() throws Exception {
        fixture = new SyncFixture(MIB, 6);
        fixture.writeOnSourceWhileDisconnected(0, 64 * KIB, 60);
        ResyncTarget target = fixture.resyncTarget(Optional.empty());
        ResyncSource source = fixture.resyncSource(Optional.empty());

        target.tick();
        fixture.toSource.deliverTo(source::onRequest);
        fixture.targetData.holdWrites(true);
        fixture.toTarget.deliverTo(target::onReply);                   // resync write issued, not complete
        byte[] newer = SyncFixture.random(BLOCK, 61);
        target.onApplicationWrite(BLOCK, BLOCK);
        fixture.sourceData.put(BLOCK, newer);
        fixture.targetData.holdWrites(false);
        fixture.targetData.put(BLOCK, newer);
        fixture.targetData.releaseHeldWrites();                        // the device applies the older data last
        target.tick();

        assertThat(fixture.targetBitmap().anySet(BLOCK, BLOCK)).isTrue();
        assertThat(fixture.targetCounters.staleReplies()).isEqualTo(1);
        fixture.run(target, source, 1000);
        assertThat(target.done()).isCompleted();
        assertThat(fixture.targetData.range(BLOCK, BLOCK)).isEqualTo(newer);
        assertThat(fixture.targetData.snapshot()).isEqualTo(fixture.sourceData.snapshot());
    }

    @Test
    void bitsAreClearedOnlyAfterTheDataFlush() throws Exception {
        ExecutorService metadata = Executors.newSingleThreadExecutor();
        try {
            fixture = new SyncFixture(MIB, 7);
            fixture.metadataExecutor = metadata;
            fixture.writeOnSourceWhileDisconnected(0, 256 * KIB, 70);
            fixture.targetBitmap().flush();
            assertThat(fixture.targetBitsOnDisk()).isEqualTo(64);
            ResyncTarget target = fixture.resyncTarget(Optional.empty());
            ResyncSource source = fixture.resyncSource(Optional.empty());
            fixture.targetData.holdFlushes(true);

            fixture.run(target, source, 50);
            SyncFixture.await(() -> fixture.targetData.heldFlushes() == 1, Duration.ofSeconds(5));

            assertThat(fixture.targetData.range(0, 256 * KIB)).isEqualTo(fixture.sourceData.range(0, 256 * KIB));
            assertThat(target.done()).isNotDone();
            assertThat(fixture.targetBitmap().cardinality()).isEqualTo(64);
            assertThat(fixture.targetBitsOnDisk()).isEqualTo(64);
            assertThat(target.progress().remainingBytes()).isZero();

            fixture.targetData.holdFlushes(false);
            fixture.targetData.releaseHeldFlushes();
            target.done().get(5, TimeUnit.SECONDS);
            assertThat(fixture.targetBitsOnDisk()).isZero();
        } finally {
            fixture.targetData.holdFlushes(false);
            fixture.targetData.releaseHeldFlushes();
            metadata.shutdownNow();
            assertThat(metadata.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void bitmapIsFlushedAtLeastEverySecondDuringALongResync() throws Exception {
        fixture = new SyncFixture(8 * MIB, 8);
        fixture.sourceData.put(0, SyncFixture.random(8 * MIB, 80));
        fixture.targetBitmap().setAll();
        ResyncTarget target = new ResyncTarget(fixture.targetContext(), SyncLimits.defaults(),
                new ResyncRateController(fixture.clock, 2 * MIB, 250 * KIB), Optional.empty());
        ResyncSource source = fixture.resyncSource(Optional.empty());

        fixture.run(target, source, 150);                              // 1.5 s at 2 MiB/s

        long onDisk = fixture.targetBitsOnDisk();
        assertThat(target.done()).isNotDone();
        assertThat(onDisk).isLessThan(8 * MIB / BLOCK - MIB / BLOCK);
        assertThat(fixture.targetCounters.requestedBytes()).isBetween(3L * MIB, 3L * MIB + 600 * KIB);
        SyncProgress progress = target.progress();
        assertThat(progress.percentDone()).isBetween(35.0, 46.0);
        assertThat(progress.bytesPerSecond()).isBetween(MIB * 3 / 2L, 5L * MIB / 2);
        assertThat(progress.eta()).isPresent();

        fixture.run(target, source, 1000);
        assertThat(target.done()).isCompleted();
        assertThat(fixture.targetData.snapshot()).isEqualTo(fixture.sourceData.snapshot());
    }

    @Test
    void negativeRepliesKeepTheBitsAndStopAfterTooManyInARow() throws Exception {
        fixture = new SyncFixture(MIB, 9);
        fixture.writeOnSourceWhileDisconnected(512 * KIB, 8 * KIB, 90);
        fixture.sourceData.failReadsWhere(offset -> offset == 512 * KIB);
        ResyncTarget target = fixture.resyncTarget(Optional.empty());
        ResyncSource source = fixture.resyncSource(Optional.empty());

        fixture.run(target, source, 100);

        SyncException failure = failureOf(target);
        assertThat(failure.reason()).isEqualTo(SyncException.Reason.TOO_MANY_FAILURES);
        assertThat(failure.getMessage()).contains("10 resync requests in a row").contains("injected read error");
        assertThat(fixture.targetCounters.negativeReplies()).isEqualTo(10);
        assertThat(fixture.targetBitmap().cardinality()).isEqualTo(2);
    }

    @Test
    void aTransientReadErrorIsRetried() throws Exception {
        fixture = new SyncFixture(MIB, 10);
        fixture.writeOnSourceWhileDisconnected(0, 8 * KIB, 100);
        int[] failuresLeft = {3};
        fixture.sourceData.failReadsWhere(offset -> failuresLeft[0]-- > 0);
        ResyncTarget target = fixture.resyncTarget(Optional.empty());
        ResyncSource source = fixture.resyncSource(Optional.empty());

        fixture.run(target, source, 100);

        assertThat(target.done()).isCompleted();
        assertThat(fixture.targetCounters.negativeReplies()).isEqualTo(3);
        assertThat(fixture.targetData.snapshot()).isEqualTo(fixture.sourceData.snapshot());
    }

    @Test
    void linkLostMidResyncKeepsTheRestForTheNextResync() throws Exception {
        fixture = new SyncFixture(4 * MIB, 11);
        fixture.sourceData.put(0, SyncFixture.random(4 * MIB, 110));
        fixture.targetBitmap().setAll();
        ResyncTarget first = fixture.resyncTarget(Optional.empty());
        ResyncSource source = fixture.resyncSource(Optional.empty());
        for (int round = 0; round < 2; round++) {
            first.tick();
            fixture.toSource.deliverTo(source::onRequest);
            fixture.toTarget.deliverTo(first::onReply);
        }
        fixture.clock.advance(Duration.ofSeconds(1));
        first.tick();                                                  // flushes the 2 MiB written, asks for more
        fixture.toSource.deliverTo(source::onRequest);                 // replies in flight when the link drops
        first.abort();
        fixture.toTarget.deliverTo(first::onReply);                    // late replies are dropped (and released)

        assertThat(failureOf(first).reason()).isEqualTo(SyncException.Reason.ABORTED);
        long left = fixture.targetBitmap().outOfSyncBytes();
        assertThat(left).isEqualTo(4 * MIB - 2 * MIB);

        ResyncTarget second = fixture.resyncTarget(Optional.empty());
        fixture.run(second, source, 1000);
        assertThat(second.done()).isCompleted();
        assertThat(fixture.targetData.snapshot()).isEqualTo(fixture.sourceData.snapshot());
    }

    @Test
    void pauseStopsNewRequestsUntilResume() throws Exception {
        fixture = new SyncFixture(MIB, 12);
        fixture.targetBitmap().setAll();
        ResyncTarget target = fixture.resyncTarget(Optional.empty());
        target.pause();
        target.tick();
        assertThat(fixture.toSource.size()).isZero();
        assertThat(target.isPaused()).isTrue();
        target.resume();
        assertThat(fixture.toSource.size()).isEqualTo(8);
    }

    @Test
    void emptyBitmapFinishesAtOnce() throws Exception {
        fixture = new SyncFixture(MIB, 13);
        ResyncTarget target = fixture.resyncTarget(Optional.empty());
        target.tick();
        assertThat(target.done()).isCompleted();
        assertThat(fixture.toSource.size()).isZero();
    }

    @Test
    void replyForAnotherRangeIsAProtocolError() throws Exception {
        fixture = new SyncFixture(MIB, 14);
        fixture.targetBitmap().setRange(0, 8 * KIB);
        ResyncTarget target = fixture.resyncTarget(Optional.empty());
        target.tick();
        ResyncRequest request = (ResyncRequest) fixture.toSource.peek().get(0);
        io.netty.buffer.ByteBuf data = io.netty.buffer.Unpooled.buffer(4 * KIB).writeZero(4 * KIB);
        target.onReply(new io.appliance.replication.wire.ResyncData(request.id(), 0, data));

        assertThat(data.refCnt()).isZero();
        assertThat(failureOf(target).reason()).isEqualTo(SyncException.Reason.PEER_PROTOCOL_ERROR);
        assertThat(fixture.targetBitmap().cardinality()).isEqualTo(2);
    }

    @Test
    void rejectsPacketsThatAreNotReplies() throws Exception {
        fixture = new SyncFixture(MIB, 15);
        ResyncTarget target = fixture.resyncTarget(Optional.empty());
        Packet request = new ResyncRequest(1, 0, 4096);
        assertThatThrownBy(() -> target.onReply(request)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runsWithRealThreads() throws Exception {
        ExecutorService metadata = Executors.newSingleThreadExecutor();
        ExecutorService link = Executors.newSingleThreadExecutor();
        try {
            fixture = new SyncFixture(4 * MIB, 16);
            fixture.metadataExecutor = metadata;
            fixture.sourceData.put(0, SyncFixture.random(4 * MIB, 160));
            fixture.targetBitmap().setAll();
            ResyncTarget[] target = new ResyncTarget[1];
            ResyncSource source = new ResyncSource(new SyncContext(fixture.sourceBitmap(), fixture.sourceData,
                    packet -> link.execute(() -> target[0].onReply(packet)), fixture.clock, metadata,
                    fixture.sourceCounters), Optional.empty(), 64);
            target[0] = new ResyncTarget(new SyncContext(fixture.targetBitmap(), fixture.targetData,
                    packet -> link.execute(() -> source.onRequest(packet)), fixture.clock, metadata,
                    fixture.targetCounters), SyncLimits.defaults(), fixture.fastRate(), Optional.empty());

            for (int round = 0; round < 500 && !target[0].done().isDone(); round++) {
                target[0].tick();
                fixture.clock.advance(Duration.ofMillis(10));
                Thread.sleep(2);
            }
            target[0].done().get(10, TimeUnit.SECONDS);
            assertThat(fixture.targetData.snapshot()).isEqualTo(fixture.sourceData.snapshot());
        } finally {
            link.shutdownNow();
            metadata.shutdownNow();
            assertThat(link.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            assertThat(metadata.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
