package io.appliance.replication.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.replication.meta.MetadataException.Reason;
import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.MetadataFlags;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class MetadataStoreTest {

    private static final long MIB = 1 << 20;
    private static final long DATA = 64 * MIB;

    private final CrashingBlockDevice device = new CrashingBlockDevice(MIB);

    private static MetadataLayout layout(long dataBytes, int alExtents) throws MetadataException {
        return MetadataLayout.external(dataBytes, MIB, alExtents);
    }

    private static void assertReason(ThrowingCallable call, Reason reason, String... messageParts) {
        assertThatThrownBy(call).isInstanceOf(MetadataException.class)
            .satisfies(e -> assertThat(((MetadataException) e).reason()).isEqualTo(reason))
            .hasMessageContainingAll(messageParts);
    }

    @Test
    void createWritesAFreshInconsistentSuperblockAFullBitmapAndAnEmptyLog() throws Exception {
        MetadataLayout layout = layout(DATA, 127);
        MetadataStore.create(device, layout, 0xABCDEFL, false).close();

        MetadataStore store = MetadataStore.open(device, layout);
        Superblock superblock = store.superblock();
        assertThat(superblock.deviceUuid()).isEqualTo(0xABCDEFL);
        assertThat(superblock.ids()).isEqualTo(GenerationIds.justCreated());
        assertThat(superblock.flags()).isEqualTo(MetadataFlags.none());
        assertThat(superblock.flags().consistent()).isFalse();
        assertThat(superblock.alExtents()).isEqualTo(127);
        assertThat(superblock.dataBytes()).isEqualTo(DATA);
        assertThat(superblock.sequence()).isEqualTo(1);
        assertThat(store.bitmap().cardinality()).isEqualTo(DATA / 4096);
        assertThat(store.bitmap().outOfSyncBytes()).isEqualTo(DATA);
        assertThat(store.activityLog().recoveredExtents()).isEmpty();
        assertThat(store.activityLog().capacity()).isEqualTo(127);
        assertThat(MetadataStore.exists(device, layout)).isTrue();
    }

    @Test
    void superblockWritesAlternateSlotsAndTheNewestWins() throws Exception {
        MetadataLayout layout = layout(DATA, 127);
        MetadataStore store = MetadataStore.create(device, layout, 7, false);
        GenerationIds ids = new GenerationIds(0x1000, 0x2000, 0x3000, 0x4000);
        MetadataFlags flags = MetadataFlags.none().withConsistent(true).withWasUpToDate(true).withCrashedPrimary(true);

        for (int i = 1; i <= 5; i++) {
            int before = device.writeCount();
            store.writeSuperblock(store.superblock().withEpoch(i).withIds(ids).withFlags(flags)
                .withLastAgreedBytes(DATA).withPeerEpoch(10 + i).withSequence(999));
            CrashingBlockDevice.Write write = device.writes().get(before);
            assertThat(write.offset()).isEqualTo(layout.superblockOffset(i % 2));
            assertThat(write.forceUnitAccess()).isTrue();
            assertThat(store.superblock().sequence()).isEqualTo(1 + i);
        }

        Superblock reread = MetadataStore.open(device, layout).superblock();
        assertThat(reread).isEqualTo(store.superblock());
        assertThat(reread.epoch()).isEqualTo(5);
        assertThat(reread.peerEpoch()).isEqualTo(15);
        assertThat(reread.ids()).isEqualTo(ids);
        assertThat(reread.flags()).isEqualTo(flags);
        assertThat(reread.lastAgreedBytes()).isEqualTo(DATA);
    }

    @Test
    void blankDeviceHasNoMetadata() throws Exception {
        MetadataLayout layout = layout(DATA, 127);
        assertThat(MetadataStore.exists(device, layout)).isFalse();
        assertReason(() -> MetadataStore.open(device, layout), Reason.NO_METADATA, "create-md");
    }

    @Test
    void createRefusesExistingMetadataUnlessTold() throws Exception {
        MetadataLayout layout = layout(DATA, 127);
        MetadataStore first = MetadataStore.create(device, layout, 1, false);
        for (int i = 0; i < 4; i++) {
            first.writeSuperblock(first.superblock().withEpoch(i));
        }

        assertReason(() -> MetadataStore.create(device, layout, 2, false), Reason.EXISTS, "already exists");

        MetadataStore.create(device, layout, 2, true);
        Superblock reread = MetadataStore.open(device, layout).superblock();
        assertThat(reread.deviceUuid()).isEqualTo(2);
        assertThat(reread.epoch()).isZero();
    }

    @Test
    void oneCorruptSlotFallsBackToTheOther() throws Exception {
        MetadataLayout layout = layout(DATA, 127);
        MetadataStore store = MetadataStore.create(device, layout, 1, false);
        store.writeSuperblock(store.superblock().withEpoch(41));
        store.writeSuperblock(store.superblock().withEpoch(42));   // slot 0, sequence 3

        device.poke(layout.superblockOffset(0) + 200, new byte[] {1});

        assertThat(MetadataStore.open(device, layout).superblock().epoch()).isEqualTo(41);
    }

    @Test
    void bothSlotsCorruptIsCorrupt() throws Exception {
        MetadataLayout layout = layout(DATA, 127);
        MetadataStore store = MetadataStore.create(device, layout, 1, false);
        store.writeSuperblock(store.superblock().withEpoch(41));

        device.poke(layout.superblockOffset(0) + 40, new byte[] {1, 2, 3});
        device.poke(layout.superblockOffset(1) + 4000, new byte[] {9});

        assertReason(() -> MetadataStore.open(device, layout), Reason.CORRUPT, "slot 0: checksum mismatch",
            "slot 1: checksum mismatch");
        assertThat(MetadataStore.exists(device, layout)).isTrue();
    }

    @Test
    void unknownFormatVersionIsCorrupt() throws Exception {
        MetadataLayout layout = layout(DATA, 127);
        MetadataStore.create(device, layout, 1, false);
        device.poke(layout.superblockOffset(0) + 8, new byte[] {0, 0, 0, 2});

        assertReason(() -> MetadataStore.open(device, layout), Reason.CORRUPT, "unsupported format version 2");
    }

    @Test
    void changedAlExtentsIsAGeometryMismatchNamingBothValues() throws Exception {
        MetadataStore.create(device, layout(DATA, 1237), 1, false);

        assertReason(() -> MetadataStore.open(device, layout(DATA, 127)), Reason.GEOMETRY_MISMATCH,
            "al-extents 1237", "has 127");
    }

    @Test
    void changedDataSizeIsAGeometryMismatchNamingBothValues() throws Exception {
        MetadataStore.create(device, layout(DATA, 127), 1, false);

        assertReason(() -> MetadataStore.open(device, layout(2 * DATA, 127)), Reason.GEOMETRY_MISMATCH,
            String.valueOf(DATA), String.valueOf(2 * DATA));
    }

    @Test
    void deviceSmallerThanTheAreaIsTooSmall() throws Exception {
        MetadataLayout layout = MetadataLayout.internal(64 * MIB, 127);
        CrashingBlockDevice small = new CrashingBlockDevice(32 * MIB);

        assertReason(() -> MetadataStore.create(small, layout, 1, false), Reason.TOO_SMALL, "cannot hold");
        assertReason(() -> MetadataStore.open(small, layout), Reason.TOO_SMALL, String.valueOf(64 * MIB));
    }

    @Test
    void internalMetadataLivesAtTheEndOfTheBackingDevice() throws Exception {
        CrashingBlockDevice backing = new CrashingBlockDevice(64 * MIB);
        MetadataLayout layout = MetadataLayout.internal(backing.size(), 127);
        MetadataStore.create(backing, layout, 5, false).close();

        assertThat(backing.writes()).allMatch(write -> write.offset() >= layout.mdOffset());
        assertThat(backing.peek(layout.mdOffset(), 8)).asString().isEqualTo("APLRMD01");
        assertThat(MetadataStore.open(backing, layout).superblock().deviceUuid()).isEqualTo(5);
    }

    @Test
    void readErrorsAreIoErrors() throws Exception {
        MetadataLayout layout = layout(DATA, 127);
        MetadataStore.create(device, layout, 1, false);
        device.failReads(true);

        assertReason(() -> MetadataStore.open(device, layout), Reason.IO, "simulated read error");
    }

    @Test
    void failedSuperblockWriteKeepsTheOldOneAndTheNextWriteUsesTheSameSlot() throws Exception {
        MetadataLayout layout = layout(DATA, 127);
        MetadataStore store = MetadataStore.create(device, layout, 1, false);
        device.failNextWrites(1);

        assertReason(() -> store.writeSuperblock(store.superblock().withEpoch(9)), Reason.IO, "superblock slot 1");
        assertThat(store.superblock().epoch()).isZero();

        store.writeSuperblock(store.superblock().withEpoch(10));
        assertThat(device.writes().get(device.writeCount() - 1).offset()).isEqualTo(layout.superblockOffset(1));
        assertThat(MetadataStore.open(device, layout).superblock().epoch()).isEqualTo(10);
    }

    @Test
    void superblockMayNotChangeTheGeometryAndIsRefusedAfterClose() throws Exception {
        MetadataStore store = MetadataStore.create(device, layout(DATA, 127), 1, false);

        assertThatThrownBy(() -> store.writeSuperblock(store.superblock().withAlExtents(7)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.writeSuperblock(store.superblock().withDataBytes(DATA * 2)))
            .isInstanceOf(IllegalArgumentException.class);
        store.close();
        store.close();
        assertThatThrownBy(() -> store.writeSuperblock(store.superblock())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeFlushesTheBitmap() throws Exception {
        MetadataLayout layout = layout(DATA, 127);
        MetadataStore store = MetadataStore.create(device, layout, 1, false);
        store.bitmap().clearAll();
        store.bitmap().setRange(5 * MIB, 4096);

        store.close();

        OutOfSyncBitmap reread = MetadataStore.open(device.durableImage(), layout).bitmap();
        assertThat(reread.cardinality()).isEqualTo(1);
        assertThat(reread.nextSetBit(0)).isEqualTo(5 * MIB / 4096);
    }
}
