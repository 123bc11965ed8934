package io.appliance.replication.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ActivityLogTest {

    private static final long MIB = 1 << 20;
    private static final long EXTENT = MetadataLayout.EXTENT_BYTES;

    private final CrashingBlockDevice device = new CrashingBlockDevice(4 * MIB);
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private MetadataLayout layout;
    private MetadataStore store;
    private ActivityLog log;

    @BeforeEach
    void createStore() throws Exception {
        layout = MetadataLayout.external(1024 * MIB, 4 * MIB, 7);   // 256 extents, capacity 7
        store = MetadataStore.create(device, layout, 1, false);
        store.bitmap().clearAll();
        store.bitmap().flush();
        log = store.activityLog();
    }

    @AfterEach
    void stopThreads() throws Exception {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private void touch(long extent) throws Exception {
        log.begin(extent * EXTENT, 4096);
        log.end(extent * EXTENT, 4096);
    }

    private ActivityLog reopenedLog() throws Exception {
        return MetadataStore.open(device.durableImage(), layout).activityLog();
    }

    @Test
    void fastPathFailsUntilTheSlowPathActivatedTheExtent() throws Exception {
        assertThat(log.tryBegin(10 * EXTENT, 4096)).isFalse();
        long transactions = log.transactions();

        log.begin(10 * EXTENT, 4096);
        assertThat(log.transactions()).isEqualTo(transactions + 1);
        assertThat(log.activeExtents()).containsExactly(10L);
        assertThat(log.tryBegin(10 * EXTENT + 8192, 4096)).isTrue();
        log.end(10 * EXTENT, 4096);
        log.end(10 * EXTENT + 8192, 4096);

        log.begin(10 * EXTENT, 4096);   // already active: no transaction
        log.end(10 * EXTENT, 4096);
        assertThat(log.transactions()).isEqualTo(transactions + 1);
        assertThat(reopenedLog().recoveredExtents()).containsExactly(10L);
    }

    @Test
    void aRangeAcrossAnExtentBoundaryNeedsBothExtents() throws Exception {
        long offset = 3 * EXTENT - 4096;
        log.begin(3 * EXTENT, 4096);
        log.end(3 * EXTENT, 4096);
        assertThat(log.tryBegin(offset, 8192)).isFalse();

        log.begin(offset, 8192);
        assertThat(log.activeExtents()).containsExactly(2L, 3L);
        log.end(offset, 8192);
    }

    @Test
    void leastRecentlyUsedIdleExtentIsEvicted() throws Exception {
        for (long extent = 0; extent < 7; extent++) {
            touch(extent);
        }
        assertThat(log.tryBegin(0, 4096)).isTrue();   // extent 0 becomes the most recently used
        log.end(0, 4096);

        touch(7);

        assertThat(log.activeExtents()).containsExactly(0L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(reopenedLog().recoveredExtents()).containsExactly(0L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void busyExtentsAreNeverEvicted() throws Exception {
        for (long extent = 0; extent < 7; extent++) {
            log.begin(extent * EXTENT, 4096);
        }
        log.end(3 * EXTENT, 4096);

        log.begin(100 * EXTENT, 4096);

        assertThat(log.activeExtents()).containsExactly(0L, 1L, 2L, 4L, 5L, 6L, 100L);
    }

    @Test
    void evictedExtentsBitmapPagesAreDurableBeforeTheTransaction() throws Exception {
        for (long extent = 0; extent < 7; extent++) {
            log.begin(extent * 40 * EXTENT, 4096);
        }
        // extent 0 had a write the peer never confirmed: the engine marks it, then ends the write
        store.bitmap().setRange(0, 4096);
        log.end(0, 4096);
        int before = device.writeCount();

        log.begin(250 * EXTENT, 4096);

        List<CrashingBlockDevice.Write> writes = device.writes().subList(before, device.writeCount());
        assertThat(writes).extracting(CrashingBlockDevice.Write::offset)
            .containsExactly(layout.bitmapOffset(), layout.alSlotOffset(0));
        assertThat(writes).allMatch(CrashingBlockDevice.Write::forceUnitAccess);
        MetadataStore reopened = MetadataStore.open(device.durableImage(), layout);
        assertThat(reopened.bitmap().get(0)).isTrue();
        assertThat(reopened.activityLog().recoveredExtents()).doesNotContain(0L).contains(250L);
    }

    @Test
    void beginBlocksWhileTheLogIsFullOfBusyExtents() throws Exception {
        for (long extent = 0; extent < 7; extent++) {
            log.begin(extent * EXTENT, 4096);
        }
        CountDownLatch started = new CountDownLatch(1);
        Future<?> waiting = executor.submit(() -> {
            started.countDown();
            log.begin(50 * EXTENT, 4096);
            return null;
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> waiting.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(log.tryBegin(4 * EXTENT, 4096)).isTrue();   // the fast path still works meanwhile
        log.end(4 * EXTENT, 4096);
        assertThat(waiting.isDone()).isFalse();

        log.end(5 * EXTENT, 4096);

        waiting.get(5, TimeUnit.SECONDS);
        assertThat(log.activeExtents()).containsExactly(0L, 1L, 2L, 3L, 4L, 6L, 50L);
    }

    @Test
    void unbalancedEndAndOversizedRangesAreRejected() throws Exception {
        assertThatThrownBy(() -> log.end(0, 4096)).isInstanceOf(IllegalStateException.class);
        touch(0);
        assertThatThrownBy(() -> log.end(0, 4096)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.begin(0, 8 * EXTENT)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("spans 8 extents");
        assertThat(log.tryBegin(0, 8 * EXTENT)).isFalse();
        assertThatThrownBy(() -> log.begin(1024 * MIB, 4096)).isInstanceOf(IllegalArgumentException.class);
        assertThat(log.tryBegin(0, 0)).isTrue();
    }

    @Test
    void failedTransactionHoldsNothingAndLosesNothing() throws Exception {
        for (long extent = 0; extent < 7; extent++) {
            touch(extent);
        }
        store.bitmap().setRange(0, 4096);
        device.failNextWrites(1);   // the bitmap flush of extent 0 fails

        assertThatThrownBy(() -> log.begin(9 * EXTENT, 4096)).isInstanceOf(MetadataException.class);
        assertThat(log.activeExtents()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(log.tryBegin(0, 4096)).isTrue();
        log.end(0, 4096);

        log.begin(9 * EXTENT, 4096);   // now evicts extent 1 (0 was used again)
        log.end(9 * EXTENT, 4096);
        assertThat(log.activeExtents()).containsExactly(0L, 2L, 3L, 4L, 5L, 6L, 9L);
    }

    @Test
    void writeEmptyRefusesBusyExtentsAndLeavesAnEmptyDurableLog() throws Exception {
        log.begin(5 * EXTENT, 4096);
        assertThatThrownBy(log::writeEmpty).isInstanceOf(IllegalStateException.class).hasMessageContaining("1 ");
        store.bitmap().setRange(5 * EXTENT, 4096);
        log.end(5 * EXTENT, 4096);

        log.writeEmpty();

        assertThat(log.activeExtents()).isEmpty();
        MetadataStore reopened = MetadataStore.open(device.durableImage(), layout);
        assertThat(reopened.activityLog().recoveredExtents()).isEmpty();
        assertThat(reopened.bitmap().get(5 * EXTENT / 4096)).isTrue();
        log.begin(6 * EXTENT, 4096);   // still usable
        assertThat(log.activeExtents()).containsExactly(6L);
        log.end(6 * EXTENT, 4096);
    }

    @Test
    void recoveryMarksEveryExtentOfTheDurableLog() throws Exception {
        log.begin(2 * EXTENT, 4096);
        log.begin(255 * EXTENT + 4096, 8192);

        MetadataStore reopened = MetadataStore.open(device.durableImage(), layout);
        assertThat(reopened.activityLog().recoveredExtents()).containsExactly(2L, 255L);
        reopened.activityLog().applyToBitmap(reopened.bitmap());

        OutOfSyncBitmap bitmap = reopened.bitmap();
        assertThat(bitmap.cardinality()).isEqualTo(2 * EXTENT / 4096);
        assertThat(bitmap.anySet(2 * EXTENT, EXTENT)).isTrue();
        assertThat(bitmap.nextSetBit(0)).isEqualTo(2 * EXTENT / 4096);
        assertThat(bitmap.get(256 * EXTENT / 4096 - 1)).isTrue();
    }

    @Test
    void firstTransactionAfterAnUncleanStopMakesTheRecoveredExtentsDurableInTheBitmap() throws Exception {
        log.begin(2 * EXTENT, 4096);
        CrashingBlockDevice afterCrash = device.durableImage();

        MetadataStore reopened = MetadataStore.open(afterCrash, layout);
        reopened.activityLog().begin(9 * EXTENT, 4096);   // the engine forgot applyToBitmap

        MetadataStore again = MetadataStore.open(afterCrash.durableImage(), layout);
        assertThat(again.activityLog().recoveredExtents()).containsExactly(9L);
        assertThat(again.bitmap().cardinality()).isEqualTo(EXTENT / 4096);
        assertThat(again.bitmap().anySet(2 * EXTENT, EXTENT)).isTrue();
    }

    @Test
    void unreadableLogMarksEverything() throws Exception {
        device.poke(layout.alSlotOffset(0) + 9, new byte[] {7});
        device.poke(layout.alSlotOffset(1) + 30, new byte[] {7});

        MetadataStore reopened = MetadataStore.open(device.durableImage(), layout);
        reopened.activityLog().applyToBitmap(reopened.bitmap());

        assertThat(reopened.bitmap().cardinality()).isEqualTo(layout.bitCount());
    }

    @Test
    void oneTornSlotFallsBackToThePreviousTransaction() throws Exception {
        touch(1);                      // transaction 2 in slot 1: {1}
        log.begin(2 * EXTENT, 4096);   // transaction 3 in slot 0: {1, 2}
        device.poke(layout.alSlotOffset(0) + 100, new byte[] {1});

        assertThat(reopenedLog().recoveredExtents()).containsExactly(1L);
    }

    @Test
    void concurrentWritersKeepReferencesBalanced() throws Exception {
        int writers = 4;
        List<Future<?>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            long seed = w;
            results.add(executor.submit(() -> {
                Random random = new Random(seed);
                for (int i = 0; i < 400; i++) {
                    long offset = random.nextInt(20) * EXTENT + random.nextInt(1024) * 4096L;
                    long length = Math.min(1024 * MIB - offset, (1 + random.nextInt(64)) * 4096L);
                    if (!log.tryBegin(offset, length)) {
                        log.begin(offset, length);
                    }
                    assertThat(log.activeExtents().size()).isLessThanOrEqualTo(7);
                    log.end(offset, length);
                }
                return null;
            }));
        }
        for (Future<?> result : results) {
            result.get(30, TimeUnit.SECONDS);
        }

        log.writeEmpty();
        assertThat(reopenedLog().recoveredExtents()).isEmpty();
    }
}
