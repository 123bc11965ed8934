package io.appliance.replication.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Moving internal metadata to the end of a grown backing device: every crash point (a lost or a
 * torn write) reopens the old metadata or the new one, with every bit, never garbage.
 */
class MetadataGrowTest {

    private static final long MIB = 1 << 20;
    private static final long OLD_BACKING = 512 * MIB;
    private static final long NEW_BACKING = 1024 * MIB;
    private static final int AL_EXTENTS = 7;
    private static final int[] TEARS = {-1, 0, 8, 12, 16, 100, 2048, 4095};
    private static final long EPOCH = 5;
    private static final long LAST_AGREED = 300 * MIB;

    private static MetadataLayout layoutFor(long backing) throws MetadataException {
        return MetadataLayout.internal(backing, AL_EXTENTS);
    }

    /** A node whose metadata was in use: some bits set and flushed, a superblock written, then the backing grew. */
    private static CrashingBlockDevice grownDevice() throws MetadataException {
        CrashingBlockDevice device = new CrashingBlockDevice(OLD_BACKING);
        MetadataStore store = MetadataStore.create(device, layoutFor(OLD_BACKING), 42, false);
        store.bitmap().clearAll();
        store.bitmap().setRange(4 * MIB, 8192);
        store.bitmap().setRange(layoutFor(OLD_BACKING).dataBytes() - 4096, 4096);
        store.writeSuperblock(store.superblock().withEpoch(EPOCH).withLastAgreedBytes(LAST_AGREED));
        store.close();
        device.growTo(NEW_BACKING);
        return device;
    }

    private static void crashAt(CrashingBlockDevice device, int write, int tear) {
        if (tear < 0) {
            device.crashAfterWrites(write - 1);
        } else {
            device.tearWrite(write, tear);
        }
    }

    private static void assertOldBits(OutOfSyncBitmap bitmap, long bitCount) {
        assertThat(bitmap.cardinality()).isEqualTo(3);
        assertThat(bitmap.get(1024)).isTrue();
        assertThat(bitmap.get(1025)).isTrue();
        assertThat(bitmap.get(bitCount - 1)).isTrue();
    }

    private static void assertOldMetadata(MetadataStore store) throws MetadataException {
        MetadataLayout old = layoutFor(OLD_BACKING);
        assertThat(store.layout()).isEqualTo(old);
        assertThat(store.superblock().dataBytes()).isEqualTo(old.dataBytes());
        assertThat(store.superblock().epoch()).isEqualTo(EPOCH);
        assertThat(store.superblock().lastAgreedBytes()).isEqualTo(LAST_AGREED);
        assertOldBits(store.bitmap(), old.bitCount());
    }

    private static void assertNewMetadata(MetadataStore store) throws MetadataException {
        MetadataLayout old = layoutFor(OLD_BACKING);
        MetadataLayout grown = layoutFor(NEW_BACKING);
        assertThat(store.layout()).isEqualTo(grown);
        assertThat(store.superblock().dataBytes()).isEqualTo(grown.dataBytes());
        assertThat(store.superblock().epoch()).isEqualTo(EPOCH);
        assertThat(store.superblock().lastAgreedBytes()).isEqualTo(LAST_AGREED);
        OutOfSyncBitmap bitmap = store.bitmap();
        long added = grown.bitCount() - old.bitCount();
        assertThat(bitmap.cardinality()).isEqualTo(3 + added);
        assertThat(bitmap.get(1024)).isTrue();
        assertThat(bitmap.get(1026)).isFalse();
        assertThat(bitmap.get(old.bitCount() - 1)).isTrue();
        assertThat(bitmap.get(old.bitCount() - 2)).isFalse();
        assertThat(bitmap.nextSetBit(1026)).isEqualTo(old.bitCount() - 1);
        assertThat(store.activityLog().recoveredExtents()).isEmpty();
    }

    @Test
    void growMovesTheAreaAndReopensAtTheNewSize() throws Exception {
        CrashingBlockDevice device = grownDevice();
        assertThatThrownBy(() -> MetadataStore.open(device, layoutFor(NEW_BACKING)))
            .as("grown but not resized: nothing at the new end yet").isInstanceOf(MetadataException.class);
        MetadataStore store = MetadataStore.open(device, layoutFor(OLD_BACKING));
        assertOldMetadata(store);
        OutOfSyncBitmap retired = store.bitmap();

        store.grow(layoutFor(NEW_BACKING));

        assertNewMetadata(store);
        retired.setRange(8 * MIB, 4096);
        assertThat(store.bitmap().get(2048)).as("a change through the retired bitmap lands in the new one").isTrue();
        retired.flush();
        store.writeSuperblock(store.superblock().withEpoch(EPOCH + 1));
        store.close();
        MetadataStore reopened = MetadataStore.open(device.durableImage(), layoutFor(NEW_BACKING));
        assertThat(reopened.superblock().epoch()).isEqualTo(EPOCH + 1);
        assertThat(reopened.bitmap().get(2048)).isTrue();
        assertThat(MetadataStore.exists(device, layoutFor(OLD_BACKING))).as("old slots wiped").isFalse();
    }

    @Test
    void everyCrashPointReopensTheOldOrTheNewMetadata() throws Exception {
        CrashingBlockDevice probe = grownDevice();
        int before = probe.writeCount();
        MetadataStore.open(probe, layoutFor(OLD_BACKING)).grow(layoutFor(NEW_BACKING));
        int growWrites = probe.writeCount() - before;
        assertThat(growWrites).isGreaterThanOrEqualTo(7);

        int sawOld = 0;
        int sawNew = 0;
        for (int tear : TEARS) {
            for (int crashWrite = 1; crashWrite <= growWrites; crashWrite++) {
                CrashingBlockDevice device = grownDevice();
                MetadataStore store = MetadataStore.open(device, layoutFor(OLD_BACKING));
                crashAt(device, crashWrite, tear);
                try {
                    store.grow(layoutFor(NEW_BACKING));
                    fail("grow should have crashed at write " + crashWrite);
                } catch (MetadataException crashed) {
                    assertThat(device.crashed()).isTrue();
                }

                CrashingBlockDevice image = device.durableImage();
                MetadataStore reopened;
                try {
                    reopened = MetadataStore.open(image, layoutFor(NEW_BACKING));
                } catch (MetadataException e) {
                    // Only while the first locator is not durable: the state between the admin's
                    // grow and the resize, where the metadata is found at the old size.
                    assertThat(crashWrite).as("tear %d at write %d: %s", tear, crashWrite, e.getMessage()).isEqualTo(1);
                    assertThat(e.reason()).isIn(MetadataException.Reason.NO_METADATA, MetadataException.Reason.CORRUPT);
                    assertOldMetadata(MetadataStore.open(image, layoutFor(OLD_BACKING)));
                    sawOld++;
                    continue;
                }
                if (reopened.layout().dataBytes() == layoutFor(OLD_BACKING).dataBytes()) {
                    assertOldMetadata(reopened);
                    sawOld++;
                } else {
                    assertNewMetadata(reopened);
                    sawNew++;
                }
            }
        }
        assertThat(sawOld).isPositive();
        assertThat(sawNew).as("crashes after the commit reopen the new metadata").isPositive();
    }

    @Test
    void refusesAGrowWhoseNewAreaWouldOverlapTheOldOne() throws Exception {
        CrashingBlockDevice device = new CrashingBlockDevice(OLD_BACKING);
        MetadataStore store = MetadataStore.create(device, layoutFor(OLD_BACKING), 42, false);
        device.growTo(OLD_BACKING + 16 * 1024);
        int writes = device.writeCount();

        assertThatThrownBy(() -> store.grow(layoutFor(OLD_BACKING + 16 * 1024)))
            .isInstanceOf(MetadataException.class)
            .hasMessageContaining("do not overlap");
        assertThat(device.writeCount()).isEqualTo(writes);
        assertThat(store.layout()).isEqualTo(layoutFor(OLD_BACKING));
    }
}
