package io.appliance.replication.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.replication.ResourceStatus;
import io.appliance.replication.state.ConnectionState;
import io.appliance.replication.state.DiskState;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every packet the engine builds stays within max-data-packet, which the peer's decoder enforces
 * (a longer one is malformed and drops the link): reads served by the peer, replicated writes and
 * resync requests are split. A small max-data-packet makes the limit easy to cross.
 */
class PeerPacketLimitTest {
    private static final long BACKING = 8L << 20;
    private static final long MAX_PACKET = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void readsAndWritesLongerThanMaxDataPacketThroughADisklessPrimaryAreSplitAndKeepTheLink() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().maxDataPacketBytes(MAX_PACKET)
                .build())) {
            // the initial full sync itself runs with resync requests bound by the 64 KiB limit
            nodes.initialSync();
            long size = nodes.r1.status().sizeBytes();
            BlockDevice device = nodes.r1.device();
            Random random = new Random(5);
            int length = (int) (16 * MAX_PACKET + 12 * 1024);
            long offset = 1L << 20;
            byte[] before = new byte[length];
            random.nextBytes(before);
            TwoNodes.join(device.write(offset, ByteBuffer.wrap(before), false));

            nodes.node1Failing.set(true);
            byte[] after = new byte[length];
            random.nextBytes(after);
            long secondOffset = offset + length + 8192;
            TwoNodes.join(device.write(secondOffset, ByteBuffer.wrap(after), false));
            assertThat(nodes.r1.status().disk()).isEqualTo(DiskState.DISKLESS);

            ByteBuffer first = ByteBuffer.allocate(length);
            TwoNodes.join(device.read(offset, first));
            ByteBuffer second = ByteBuffer.allocate(length);
            TwoNodes.join(device.read(secondOffset, second));

            assertThat(first.array()).isEqualTo(before);
            assertThat(second.array()).isEqualTo(after);
            byte[] peerData = nodes.data(2, size);
            assertThat(Arrays.copyOfRange(peerData, (int) secondOffset, (int) secondOffset + length)).isEqualTo(after);
            ResourceStatus status = nodes.r1.status();
            assertThat(status.connection()).isEqualTo(ConnectionState.CONNECTED);
            assertThat(status.lastProblem().orElse("")).doesNotContain("protocol error");
            assertThat(status.counters().appReadBytes()).isEqualTo(2L * length);
        }
    }
}
