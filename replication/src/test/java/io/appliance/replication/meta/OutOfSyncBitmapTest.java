package io.appliance.replication.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutOfSyncBitmapTest {

    private static final long MIB = 1 << 20;
    private static final int BLOCK = 4096;

    /** A store whose bitmap starts empty and durable. */
    private static MetadataStore emptyStore(CrashingBlockDevice device, MetadataLayout layout) throws Exception {
        MetadataStore store = MetadataStore.create(device, layout, 1, false);
        store.bitmap().clearAll();
        store.bitmap().flush();
        return store;
    }

    @Test
    void setMarksTouchedBlocksAndClearOnlyFullyCoveredOnes() throws Exception {
        MetadataLayout layout = MetadataLayout.external(64 * MIB, 4 * MIB, 7);
        OutOfSyncBitmap bitmap = emptyStore(new CrashingBlockDevice(4 * MIB), layout).bitmap();

        bitmap.setRange(100, 10);
        assertThat(bitmap.get(0)).isTrue();
        assertThat(bitmap.cardinality()).isEqualTo(1);

        bitmap.setRange(BLOCK - 1, 2);   // straddles blocks 0 and 1
        assertThat(bitmap.cardinality()).isEqualTo(2);

        bitmap.clearRange(100, BLOCK);   // covers no block fully
        assertThat(bitmap.cardinality()).isEqualTo(2);
        bitmap.clearRange(1, 2 * BLOCK); // covers block 1 fully, block 0 partly
        assertThat(bitmap.get(0)).isTrue();
        assertThat(bitmap.get(1)).isFalse();
        bitmap.clearRange(0, BLOCK);
        assertThat(bitmap.cardinality()).isZero();

        bitmap.setRange(10 * BLOCK, 0);
        assertThat(bitmap.cardinality()).isZero();
        assertThat(bitmap.anySet(0, 64 * MIB)).isFalse();
    }

    @Test
    void behavesLikeABitSetUnderRandomOperations() throws Exception {
        long data = 3 * MIB + 5 * BLOCK;   // 773 bits: the last word is partial
        MetadataLayout layout = MetadataLayout.external(data, MIB, 7);
        OutOfSyncBitmap bitmap = emptyStore(new CrashingBlockDevice(MIB), layout).bitmap();
        BitSet model = new BitSet();
        Random random = new Random(4);

        for (int step = 0; step < 5000; step++) {
            long offset = random.nextInt((int) data);
            long length = Math.min(data - offset, random.nextInt(200 * BLOCK));
            long firstBlock = offset / BLOCK;
            long touchedEnd = length == 0 ? firstBlock : (offset + length - 1) / BLOCK + 1;
            switch (random.nextInt(4)) {
                case 0 -> {
                    bitmap.setRange(offset, length);
                    model.set((int) firstBlock, (int) touchedEnd);
                }
                case 1 -> {
                    bitmap.clearRange(offset, length);
                    long from = (offset + BLOCK - 1) / BLOCK;
                    long to = (offset + length) / BLOCK;
                    if (from < to) {
                        model.clear((int) from, (int) to);
                    }
                }
                case 2 -> {
                    int next = model.nextSetBit((int) firstBlock);
                    boolean expected = length > 0 && next >= 0 && next < touchedEnd;
                    assertThat(bitmap.anySet(offset, length)).isEqualTo(expected);
                }
                default -> {
                    long from = random.nextInt((int) layout.bitCount());
                    int expected = model.nextSetBit((int) from);
                    assertThat(bitmap.nextSetBit(from)).isEqualTo(expected);
                }
            }
            assertThat(bitmap.cardinality()).isEqualTo(model.cardinality());
        }
    }

    @Test
    void setAllStopsAtTheLastBlockAndPeerWordsCannotSetBitsBeyondIt() throws Exception {
        long data = MIB + 3 * BLOCK;   // 259 bits
        MetadataLayout layout = MetadataLayout.external(data, MIB, 7);
        OutOfSyncBitmap bitmap = emptyStore(new CrashingBlockDevice(MIB), layout).bitmap();

        bitmap.setAll();
        assertThat(bitmap.cardinality()).isEqualTo(259);
        assertThat(bitmap.nextSetBit(258)).isEqualTo(258);
        assertThat(bitmap.nextSetBit(259)).isEqualTo(-1);

        bitmap.clearAll();
        bitmap.orWords(0, new long[] {-1L, 0, 0, 0, -1L});
        assertThat(bitmap.wordCount()).isEqualTo(5);
        assertThat(bitmap.cardinality()).isEqualTo(64 + 3);
    }

    @Test
    void wordsExchangeReproducesTheBitmapOnAPeer() throws Exception {
        MetadataLayout layout = MetadataLayout.external(512 * MIB, 4 * MIB, 7);
        OutOfSyncBitmap source = emptyStore(new CrashingBlockDevice(4 * MIB), layout).bitmap();
        OutOfSyncBitmap target = emptyStore(new CrashingBlockDevice(4 * MIB), layout).bitmap();
        source.setRange(0, 5 * BLOCK);
        source.setRange(300 * MIB, 1);
        target.setRange(100 * MIB, BLOCK);

        for (int word = 0; word < source.wordCount(); word += 1000) {
            int count = Math.min(1000, source.wordCount() - word);
            target.orWords(word, source.words(word, count));
        }

        assertThat(target.cardinality()).isEqualTo(7);
        assertThat(target.get(300 * MIB / BLOCK)).isTrue();
        assertThat(target.get(100 * MIB / BLOCK)).isTrue();
        assertThatThrownBy(() -> source.words(source.wordCount() - 1, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nextSetBitSkipsLargeEmptyRegionsOfATebibyteBitmap() throws Exception {
        MetadataLayout layout = MetadataLayout.external(1L << 40, 40 * MIB, 1237);
        OutOfSyncBitmap bitmap = MetadataStore.create(new CrashingBlockDevice(40 * MIB), layout, 1, false).bitmap();
        bitmap.clearAll();
        long last = layout.bitCount() - 1;
        bitmap.setRange(last * BLOCK, BLOCK);
        bitmap.setRange(12345 * (long) BLOCK, BLOCK);

        assertThat(bitmap.nextSetBit(0)).isEqualTo(12345);
        assertThat(bitmap.nextSetBit(12346)).isEqualTo(last);
        assertThat(bitmap.nextSetBit(last)).isEqualTo(last);
        assertThat(bitmap.anySet(BLOCK * 20000L, (last - 20000) * BLOCK)).isFalse();
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertThat(bitmap.nextSetBit(12346 + i)).isEqualTo(last);
        }
        // 2^28 bits: a word-by-word scan would read 4 Mi words per call; the summary reads 64 Ki.
        assertThat(System.nanoTime() - started).isLessThan(2_000_000_000L);
    }

    @Test
    void flushWritesOnlyDirtyPagesDurably() throws Exception {
        CrashingBlockDevice device = new CrashingBlockDevice(4 * MIB);
        MetadataLayout layout = MetadataLayout.external(1024 * MIB, 4 * MIB, 7);   // 8 bitmap pages
        OutOfSyncBitmap bitmap = emptyStore(device, layout).bitmap();
        long pagesBefore = bitmap.pageWrites();
        int writesBefore = device.writeCount();

        bitmap.setRange(0, BLOCK);              // page 0
        bitmap.setRange(3 * 128 * MIB, BLOCK);  // page 3
        bitmap.setRange(0, BLOCK);              // no change
        assertThat(bitmap.hasDirtyPages()).isTrue();
        bitmap.flush();

        assertThat(bitmap.pageWrites() - pagesBefore).isEqualTo(2);
        assertThat(device.writes().subList(writesBefore, device.writeCount()))
            .extracting(CrashingBlockDevice.Write::offset)
            .containsExactly(layout.bitmapOffset(), layout.bitmapOffset() + 3 * 4096);
        assertThat(bitmap.hasDirtyPages()).isFalse();

        bitmap.flush();
        assertThat(bitmap.pageWrites() - pagesBefore).isEqualTo(2);

        OutOfSyncBitmap reread = OutOfSyncBitmap.load(device.durableImage(), layout);
        assertThat(reread.cardinality()).isEqualTo(2);
        assertThat(reread.get(3 * 128 * MIB / BLOCK)).isTrue();
    }

    @Test
    void singlePageFlushIsOneForcedWrite() throws Exception {
        CrashingBlockDevice device = new CrashingBlockDevice(4 * MIB);
        MetadataLayout layout = MetadataLayout.external(1024 * MIB, 4 * MIB, 7);
        OutOfSyncBitmap bitmap = emptyStore(device, layout).bitmap();
        int writesBefore = device.writeCount();

        bitmap.setRange(700 * MIB, BLOCK);
        bitmap.flush();

        assertThat(device.writes().subList(writesBefore, device.writeCount()))
            .containsExactly(new CrashingBlockDevice.Write(layout.bitmapOffset() + 5 * 4096, 4096, true));
    }

    @Test
    void flushRangeWritesOnlyThePagesOfTheRange() throws Exception {
        CrashingBlockDevice device = new CrashingBlockDevice(4 * MIB);
        MetadataLayout layout = MetadataLayout.external(1024 * MIB, 4 * MIB, 7);
        OutOfSyncBitmap bitmap = emptyStore(device, layout).bitmap();
        bitmap.setRange(0, BLOCK);
        bitmap.setRange(600 * MIB, BLOCK);   // page 4

        bitmap.flushRange(596 * MIB, 8 * MIB);

        OutOfSyncBitmap reread = OutOfSyncBitmap.load(device.durableImage(), layout);
        assertThat(reread.get(600 * MIB / BLOCK)).isTrue();
        assertThat(reread.get(0)).isFalse();
        assertThat(bitmap.hasDirtyPages()).isTrue();
    }

    @Test
    void failedFlushKeepsPagesDirtyForTheNextOne() throws Exception {
        CrashingBlockDevice device = new CrashingBlockDevice(4 * MIB);
        MetadataLayout layout = MetadataLayout.external(1024 * MIB, 4 * MIB, 7);
        OutOfSyncBitmap bitmap = emptyStore(device, layout).bitmap();
        bitmap.setRange(0, BLOCK);
        bitmap.setRange(900 * MIB, BLOCK);
        device.failNextWrites(1);

        assertThatThrownBy(bitmap::flush).isInstanceOf(MetadataException.class)
            .satisfies(e -> assertThat(((MetadataException) e).reason()).isEqualTo(MetadataException.Reason.IO));
        assertThat(bitmap.hasDirtyPages()).isTrue();

        bitmap.flush();
        OutOfSyncBitmap reread = OutOfSyncBitmap.load(device.durableImage(), layout);
        assertThat(reread.cardinality()).isEqualTo(2);
    }

    @Test
    void concurrentFlushesNeverLoseBitsSetMeanwhile() throws Exception {
        CrashingBlockDevice device = new CrashingBlockDevice(4 * MIB);
        MetadataLayout layout = MetadataLayout.external(1024 * MIB, 4 * MIB, 7);
        OutOfSyncBitmap bitmap = emptyStore(device, layout).bitmap();
        ExecutorService executor = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> setters = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long seed = t;
                setters.add(executor.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 20_000; i++) {
                        bitmap.setRange(random.nextInt((int) layout.bitCount()) * (long) BLOCK, BLOCK);
                    }
                    return null;
                }));
            }
            Future<?> flusher = executor.submit(() -> {
                while (!setters.stream().allMatch(Future::isDone)) {
                    bitmap.flush();
                }
                return null;
            });
            for (Future<?> setter : setters) {
                setter.get(30, TimeUnit.SECONDS);
            }
            flusher.get(30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
        bitmap.flush();

        OutOfSyncBitmap reread = OutOfSyncBitmap.load(device.durableImage(), layout);
        assertThat(reread.cardinality()).isEqualTo(bitmap.cardinality()).isGreaterThan(30_000);
        assertThat(reread.words(0, reread.wordCount())).isEqualTo(bitmap.words(0, bitmap.wordCount()));
    }

    @Test
    void rangesOutsideTheDataAreaAreRejected() throws Exception {
        MetadataLayout layout = MetadataLayout.external(64 * MIB, 4 * MIB, 7);
        OutOfSyncBitmap bitmap = emptyStore(new CrashingBlockDevice(4 * MIB), layout).bitmap();

        assertThatThrownBy(() -> bitmap.setRange(64 * MIB - BLOCK, 2 * BLOCK)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bitmap.clearRange(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bitmap.anySet(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bitmap.nextSetBit(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(bitmap.nextSetBit(layout.bitCount())).isEqualTo(-1);
    }
}
