package io.appliance.replication.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.appliance.replication.state.GenerationIds;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Kills the "node" at every metadata write (cleanly, or tearing the write after K bytes), reopens
 * what was durable and checks that the metadata tells the truth.
 */
class CrashSafetyTest {

    private static final long MIB = 1 << 20;
    private static final long EXTENT = MetadataLayout.EXTENT_BYTES;
    private static final int BLOCK = MetadataLayout.BLOCK_BYTES;
    private static final int[] TEARS = {-1, 0, 1, 8, 12, 16, 100, 103, 104, 2048, 4095, 4097, 8191};

    private static MetadataLayout layout() throws MetadataException {
        return MetadataLayout.external(512 * MIB, 4 * MIB, 7);   // 128 extents, 4 bitmap pages
    }

    private static void crashAt(CrashingBlockDevice device, int write, int tear) {
        if (tear < 0) {
            device.crashAfterWrites(write - 1);
        } else {
            device.tearWrite(write, tear);
        }
    }

    @Test
    void superblockIsAlwaysTheLastDurableOneOrTheOneInFlight() throws Exception {
        MetadataLayout layout = layout();
        for (int tear : TEARS) {
            for (int crashWrite = 1; crashWrite <= 7; crashWrite++) {
                CrashingBlockDevice device = new CrashingBlockDevice(4 * MIB);
                MetadataStore store = MetadataStore.create(device, layout, 1, false);
                crashAt(device, crashWrite, tear);
                long lastReturned = 0;
                long inFlight = 0;
                for (long epoch = 1; epoch <= 6; epoch++) {
                    inFlight = epoch;
                    try {
                        store.writeSuperblock(store.superblock().withEpoch(epoch)
                            .withIds(new GenerationIds(epoch << 8, 0, 0, 0)));
                        lastReturned = epoch;
                    } catch (MetadataException crashed) {
                        break;
                    }
                }

                Superblock reread = MetadataStore.open(device.durableImage(), layout).superblock();

                assertThat(reread.epoch()).as("tear %d at write %d", tear, crashWrite).isIn(lastReturned, inFlight);
                assertThat(reread.ids().current())
                    .isEqualTo(reread.epoch() == 0 ? GenerationIds.JUST_CREATED : reread.epoch() << 8);
            }
        }
    }

    @Test
    void crashDuringCreateLeavesTheOldMetadataNothingOrTheNewMetadata() throws Exception {
        MetadataLayout layout = layout();
        CrashingBlockDevice probe = new CrashingBlockDevice(4 * MIB);
        MetadataStore.create(probe, layout, 1, false);
        int createWrites = probe.writeCount();

        for (int tear : TEARS) {
            for (int crashWrite = 1; crashWrite <= createWrites; crashWrite++) {
                CrashingBlockDevice device = new CrashingBlockDevice(4 * MIB);
                MetadataStore old = MetadataStore.create(device, layout, 111, false);
                old.writeSuperblock(old.superblock().withEpoch(77));
                crashAt(device, crashWrite, tear);
                try {
                    MetadataStore.create(device, layout, 222, true);
                    fail("create should have crashed at write " + crashWrite);
                } catch (MetadataException crashed) {
                    assertThat(device.crashed()).isTrue();
                }

                CrashingBlockDevice image = device.durableImage();
                MetadataStore reopened;
                try {
                    reopened = MetadataStore.open(image, layout);
                } catch (MetadataException e) {
                    // The last write of create-md is the first to put the magic on disk: torn after the
                    // magic, it leaves a slot that claims to be metadata and fails its checksum.
                    boolean tornFinalWrite = crashWrite == createWrites && tear >= 8;
                    assertThat(e.reason()).as("tear %d at write %d", tear, crashWrite)
                        .isEqualTo(tornFinalWrite ? MetadataException.Reason.CORRUPT : MetadataException.Reason.NO_METADATA);
                    continue;
                }
                Superblock superblock = reopened.superblock();
                if (superblock.deviceUuid() == 111) {
                    assertThat(superblock.epoch()).isIn(0L, 77L);
                } else {
                    assertThat(superblock.deviceUuid()).isEqualTo(222);
                    assertThat(superblock.ids()).isEqualTo(GenerationIds.justCreated());
                    assertThat(reopened.bitmap().cardinality()).isEqualTo(layout.bitCount());
                    assertThat(reopened.activityLog().recoveredExtents()).isEmpty();
                }
            }
        }
    }

    @Test
    void bitmapAndActivityLogCoverEveryWriteNotKnownToBeOnThePeer() throws Exception {
        MetadataLayout layout = layout();
        for (long seed = 1; seed <= 3; seed++) {
            CrashingBlockDevice probe = freshDevice(layout);
            int base = probe.writeCount();
            new Scenario(seed, 300).run(MetadataStore.open(probe, layout));
            int scenarioWrites = probe.writeCount() - base;
            assertThat(scenarioWrites).as("the scenario must evict and flush").isGreaterThan(50);

            Random tears = new Random(seed);
            for (int crashWrite = 1; crashWrite <= scenarioWrites; crashWrite++) {
                int tear = tears.nextBoolean() ? -1 : TEARS[tears.nextInt(TEARS.length)];
                CrashingBlockDevice device = freshDevice(layout);
                MetadataStore store = MetadataStore.open(device, layout);
                crashAt(device, crashWrite, tear);
                Scenario firstLife = new Scenario(seed, 300);
                firstLife.run(store);
                assertThat(device.crashed()).isTrue();
                BitSet mustBeMarked = firstLife.notKnownOnPeer();

                // second life: the engine does not call applyToBitmap before its first writes, and dies again
                CrashingBlockDevice restarted = device.durableImage();
                MetadataStore secondStore = MetadataStore.open(restarted, layout);
                restarted.crashAfterWrites(1 + crashWrite % 7);
                Scenario secondLife = new Scenario(seed * 1000 + crashWrite, 300);
                secondLife.run(secondStore);
                mustBeMarked.or(secondLife.notKnownOnPeer());

                MetadataStore recovered = MetadataStore.open(restarted.durableImage(), layout);
                recovered.activityLog().applyToBitmap(recovered.bitmap());
                OutOfSyncBitmap bitmap = recovered.bitmap();
                for (int block = mustBeMarked.nextSetBit(0); block >= 0; block = mustBeMarked.nextSetBit(block + 1)) {
                    if (!bitmap.get(block)) {
                        fail("seed " + seed + ", crash at write " + crashWrite + " (tear " + tear + "): block "
                            + block + " (extent " + (block * (long) BLOCK / EXTENT) + ") was written but is not "
                            + "marked after recovery");
                    }
                }
            }
        }
    }

    @Test
    void recoveryMarksEveryExtentThatHadAWriteInFlight() throws Exception {
        MetadataLayout layout = layout();
        for (int crashWrite = 1; crashWrite <= 40; crashWrite++) {
            CrashingBlockDevice device = freshDevice(layout);
            ActivityLog log = MetadataStore.open(device, layout).activityLog();
            crashAt(device, crashWrite, crashWrite % 3 == 0 ? 100 : -1);
            List<Long> inFlight = new ArrayList<>();
            try {
                for (long extent = 0; extent < 60; extent += 3) {
                    log.begin(extent * EXTENT, BLOCK);
                    inFlight.add(extent);
                    if (inFlight.size() > 4) {
                        long done = inFlight.remove(0);
                        log.end(done * EXTENT, BLOCK);
                    }
                }
            } catch (MetadataException crashed) {
                assertThat(device.crashed()).isTrue();
            }

            MetadataStore recovered = MetadataStore.open(device.durableImage(), layout);
            recovered.activityLog().applyToBitmap(recovered.bitmap());

            assertThat(recovered.activityLog().recoveredExtents()).containsAll(inFlight);
            for (long extent : inFlight) {
                assertThat(recovered.bitmap().nextSetBit(extent * EXTENT / BLOCK)).isEqualTo(extent * EXTENT / BLOCK);
                assertThat(recovered.bitmap().get((extent + 1) * EXTENT / BLOCK - 1)).isTrue();
            }
        }
    }

    private static CrashingBlockDevice freshDevice(MetadataLayout layout) throws Exception {
        CrashingBlockDevice device = new CrashingBlockDevice(4 * MIB);
        MetadataStore store = MetadataStore.create(device, layout, 1, false);
        store.bitmap().clearAll();
        store.bitmap().flush();
        return device;
    }

    /**
     * A deterministic stream of what the engine does with the metadata: writes begin (fast or
     * slow path), complete acknowledged by the peer or not (then marked in the bitmap), bitmap
     * flushes, superblock writes, clean AL shutdowns. Stops at the first metadata error (the
     * crash) and remembers which blocks may hold data the peer does not have.
     */
    private static final class Scenario {
        private final Random random;
        private final int steps;
        private final List<long[]> inFlight = new ArrayList<>();
        private final BitSet unacknowledged = new BitSet();

        Scenario(long seed, int steps) {
            this.random = new Random(seed);
            this.steps = steps;
        }

        void run(MetadataStore store) {
            ActivityLog log = store.activityLog();
            OutOfSyncBitmap bitmap = store.bitmap();
            long dataBytes = store.layout().dataBytes();
            try {
                for (int step = 0; step < steps; step++) {
                    int op = random.nextInt(20);
                    if (op < 9 && inFlight.size() < 5) {
                        long offset = random.nextInt(24) * EXTENT + random.nextInt(1024) * (long) BLOCK;
                        long length = Math.min(dataBytes - offset, (1 + random.nextInt(300)) * (long) BLOCK);
                        if (!log.tryBegin(offset, length)) {
                            log.begin(offset, length);
                        }
                        inFlight.add(new long[] {offset, length});
                    } else if (op < 17 && !inFlight.isEmpty()) {
                        long[] write = inFlight.remove(random.nextInt(inFlight.size()));
                        int first = (int) (write[0] / BLOCK);
                        int end = (int) ((write[0] + write[1] + BLOCK - 1) / BLOCK);
                        if (random.nextInt(3) == 0) {
                            bitmap.setRange(write[0], write[1]);
                            unacknowledged.set(first, end);
                        } else {
                            unacknowledged.clear(first, end);
                        }
                        log.end(write[0], write[1]);
                    } else if (op == 17) {
                        bitmap.flush();
                    } else if (op == 18) {
                        store.writeSuperblock(store.superblock().withEpoch(step));
                    } else if (inFlight.isEmpty()) {
                        log.writeEmpty();
                    }
                }
            } catch (MetadataException | java.io.InterruptedIOException crashed) {
                return;
            }
        }

        /** Blocks of unacknowledged completed writes and of writes in flight at the crash. */
        BitSet notKnownOnPeer() {
            BitSet blocks = (BitSet) unacknowledged.clone();
            for (long[] write : inFlight) {
                blocks.set((int) (write[0] / BLOCK), (int) ((write[0] + write[1] + BLOCK - 1) / BLOCK));
            }
            return blocks;
        }
    }
}
