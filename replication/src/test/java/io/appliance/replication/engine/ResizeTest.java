package io.appliance.replication.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.replication.ReplicationException;
import io.appliance.replication.ResourceStatus;
import io.appliance.replication.meta.MetadataLayout;
import io.appliance.replication.meta.MetadataStore;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.ReplicationState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** drbdadm resize (grow, online, Connected): both backing files grow, the metadata moves, the new region resyncs. */
class ResizeTest {
    private static final long BACKING = 8L << 20;
    private static final long GROWN = 16L << 20;

    @TempDir
    Path dir;

    private static void growFile(Path file, long bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(bytes);
        }
    }

    @Test
    void growingBothBackingsAndResizingGrowsTheDeviceAndResyncsTheNewRegion() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.initialSync();
            long before = nodes.r1.status().sizeBytes();
            assertThat(before).isEqualTo(MetadataLayout.internal(BACKING, 61).dataBytes());
            BlockDevice device = nodes.r1.device();
            byte[] early = new byte[65536];
            Arrays.fill(early, (byte) 0x5a);
            TwoNodes.join(device.write(4096, ByteBuffer.wrap(early), false));

            long receivedBefore = nodes.r2.status().counters().resyncReceivedBytes();
            growFile(nodes.file(1), GROWN);
            growFile(nodes.file(2), GROWN);
            nodes.r2.resize();

            long after = MetadataLayout.internal(GROWN, 61).dataBytes();
            nodes.awaitBoth(s -> s.sizeBytes() == after && s.replication() == ReplicationState.ESTABLISHED
                    && s.disk() == DiskState.UP_TO_DATE && s.peerDisk() == DiskState.UP_TO_DATE);
            assertThat(device.size()).isEqualTo(after);
            ResourceStatus target = nodes.r2.status();
            assertThat(target.counters().resyncReceivedBytes() - receivedBefore)
                    .as("the added region was resynced to the Secondary").isEqualTo(after - before);
            assertThat(target.outOfSyncBytes()).isZero();
            assertThat(nodes.r1.status().outOfSyncBytes()).isZero();
            assertThat(Arrays.equals(nodes.data(1, after), nodes.data(2, after)))
                    .as("identical after the resync of the added region").isTrue();

            byte[] late = new byte[1 << 20];
            Arrays.fill(late, (byte) 0x33);
            long inNewRegion = before + 4096;
            TwoNodes.join(device.write(inNewRegion, ByteBuffer.wrap(late), true));
            byte[] tail = new byte[4096];
            Arrays.fill(tail, (byte) 0x77);
            TwoNodes.join(device.write(after - 4096, ByteBuffer.wrap(tail), true));
            TwoNodes.join(device.flush());
            ByteBuffer readBack = ByteBuffer.allocate(late.length);
            TwoNodes.join(device.read(inNewRegion, readBack));
            assertThat(readBack.array()).isEqualTo(late);

            byte[] primaryData = nodes.data(1, after);
            assertThat(Arrays.equals(primaryData, nodes.data(2, after))).as("both data areas identical").isTrue();
            assertThat(Arrays.copyOfRange(primaryData, 4096, 4096 + early.length)).isEqualTo(early);
            assertThat(Arrays.copyOfRange(primaryData, (int) (after - 4096), (int) after)).isEqualTo(tail);

            nodes.r1.secondary();
            nodes.r1.down();
            nodes.r2.down();
            for (int node = 1; node <= 2; node++) {
                try (var reopened = io.appliance.iscsi.block.FileBlockDevice.open(nodes.file(node), 512, true,
                        nodes.ioThreads)) {
                    MetadataStore store = MetadataStore.open(reopened, MetadataLayout.internal(GROWN, 61));
                    assertThat(store.superblock().dataBytes()).as("node %d metadata at the new end", node)
                            .isEqualTo(after);
                    assertThat(store.superblock().lastAgreedBytes()).isEqualTo(after);
                }
            }
            nodes.r1.up();
            nodes.r2.up();
            nodes.awaitBoth(s -> s.sizeBytes() == after && s.replication() == ReplicationState.ESTABLISHED);
        }
    }

    @Test
    void resizeWithoutAGrownBackingChangesNothingAndNeedsAConnection() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.initialSync();
            long before = nodes.r1.status().sizeBytes();
            growFile(nodes.file(1), GROWN);
            nodes.r1.resize();
            assertThat(nodes.r1.status().sizeBytes()).as("the peer did not grow: min of both").isEqualTo(before);
            assertThat(nodes.r2.status().sizeBytes()).isEqualTo(before);

            nodes.r2.disconnect();
            assertThatThrownBy(nodes.r1::resize).isInstanceOf(ReplicationException.class)
                    .extracting(e -> ((ReplicationException) e).reason()).isEqualTo(ReplicationException.Reason.NOT_CONNECTED);
        }
    }
}
