package io.appliance.replication.meta;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.block.FileBlockDevice;
import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.MetadataFlags;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Internal metadata on a real {@link FileBlockDevice}: create, write, close, reopen. */
class FileBackedMetadataTest {

    private static final long MIB = 1 << 20;
    private static final long EXTENT = MetadataLayout.EXTENT_BYTES;

    @TempDir
    Path directory;

    private final ExecutorService io = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopIo() throws Exception {
        io.shutdownNow();
        assertThat(io.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void metadataSurvivesCloseAndReopen() throws Exception {
        Path file = directory.resolve("backing.img");
        GenerationIds ids = new GenerationIds(0x1234_5678_0000L, 0xABCD_0000L, 0, 0);
        MetadataLayout layout;
        try (FileBlockDevice device = FileBlockDevice.create(file, 256 * MIB, 4096, io)) {
            layout = MetadataLayout.internal(device.size(), 61);
            MetadataStore store = MetadataStore.create(device, layout, 42, false);
            store.bitmap().clearAll();
            store.bitmap().setRange(10 * MIB, 3 * 4096);
            store.writeSuperblock(store.superblock().withIds(ids)
                .withFlags(MetadataFlags.none().withConsistent(true).withWasUpToDate(true))
                .withLastAgreedBytes(layout.dataBytes()).withEpoch(3));
            ActivityLog log = store.activityLog();
            log.begin(0, 4096);
            log.end(0, 4096);
            log.begin(20 * EXTENT, 8192);    // still in flight when the node "stops"
            device.write(20 * EXTENT, ByteBuffer.allocate(8192), false).join();
            store.close();
        }

        try (FileBlockDevice device = FileBlockDevice.open(file, 4096, false, io)) {
            assertThat(MetadataLayout.internal(device.size(), 61)).isEqualTo(layout);
            MetadataStore store = MetadataStore.open(device, layout);
            Superblock superblock = store.superblock();
            assertThat(superblock.deviceUuid()).isEqualTo(42);
            assertThat(superblock.ids()).isEqualTo(ids);
            assertThat(superblock.flags().consistent()).isTrue();
            assertThat(superblock.epoch()).isEqualTo(3);
            assertThat(superblock.sequence()).isEqualTo(2);
            assertThat(store.bitmap().cardinality()).isEqualTo(3);
            assertThat(store.bitmap().nextSetBit(0)).isEqualTo(10 * MIB / 4096);
            assertThat(store.activityLog().recoveredExtents()).containsExactly(0L, 20L);

            store.activityLog().applyToBitmap(store.bitmap());
            assertThat(store.bitmap().anySet(20 * EXTENT, EXTENT)).isTrue();
            store.activityLog().writeEmpty();
            store.close();
        }

        try (FileBlockDevice device = FileBlockDevice.open(file, 4096, true, io)) {
            MetadataStore store = MetadataStore.open(device, layout);
            assertThat(store.activityLog().recoveredExtents()).isEmpty();
            assertThat(store.bitmap().cardinality()).isEqualTo(3 + 2 * EXTENT / 4096);
            assertThat(MetadataStore.exists(device, layout)).isTrue();
        }
    }
}
