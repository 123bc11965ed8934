package io.appliance.replication.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.replication.ReplicationProtocol;
import io.appliance.iscsi.block.BlockDevice;
import io.appliance.replication.ResourceStatus;
import io.appliance.replication.state.ConnectionState;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReplicationWriteTest {
    private static final long BACKING = 8L << 20;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ReplicationProtocol.class)
    void fullInitialSyncThenRandomWritesLeaveBothDataAreasIdentical(ReplicationProtocol protocol) {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().protocol(protocol).build())) {
            nodes.initialSync();
            ResourceStatus primary = nodes.r1.status();
            long size = primary.sizeBytes();
            assertThat(primary.role()).isEqualTo(Role.PRIMARY);
            assertThat(primary.counters().resyncSentBytes()).isEqualTo(size);
            assertThat(nodes.r2.status().counters().resyncReceivedBytes()).isEqualTo(size);
            assertThat(nodes.data(1, size)).isEqualTo(nodes.data(2, size));

            BlockDevice device = nodes.r1.device();
            Random random = new Random(protocol.ordinal());
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int blocks = 1 + random.nextInt(16);
                long offset = (long) random.nextInt((int) (size / 512 - blocks)) * 512;
                byte[] pattern = new byte[blocks * 512];
                random.nextBytes(pattern);
                writes.add(device.write(offset, ByteBuffer.wrap(pattern), random.nextInt(10) == 0));
            }
            TwoNodes.join(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
            TwoNodes.join(device.flush());

            assertThat(nodes.r1.status().counters().appWrittenBytes()).isPositive();
            assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size)))
                    .as("both data areas identical after protocol %s writes and a flush", protocol).isTrue();
            ResourceStatus after = nodes.r1.status();
            assertThat(after.outOfSyncBytes()).isZero();
            assertThat(after.connection()).isEqualTo(ConnectionState.CONNECTED);
            assertThat(after.replication()).isEqualTo(ReplicationState.ESTABLISHED);
            assertThat(nodes.r2.status().disk()).isEqualTo(DiskState.UP_TO_DATE);
        }
    }

    @ParameterizedTest
    @EnumSource(ReplicationProtocol.class)
    void overlappingWritesIssuedTogetherEndWithTheLastIssuedContentOnBothNodes(ReplicationProtocol protocol) {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().protocol(protocol).build())) {
            nodes.createAndConnect();
            nodes.r1.newCurrentUuid(true);
            nodes.awaitBoth(s -> s.disk() == DiskState.UP_TO_DATE && s.peerDisk() == DiskState.UP_TO_DATE);
            nodes.r1.primary(false);
            BlockDevice device = nodes.r1.device();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            byte[] last = null;
            for (int round = 0; round < 200; round++) {
                byte[] content = new byte[8192];
                Arrays.fill(content, (byte) round);
                long offset = (round % 2) * 4096L;
                writes.add(device.write(offset, ByteBuffer.wrap(content), false));
                last = content;
            }
            TwoNodes.join(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
            TwoNodes.join(device.flush());
            byte[] expected = new byte[12288];
            System.arraycopy(last, 0, expected, 4096, 8192);
            byte[] previous = new byte[8192];
            Arrays.fill(previous, (byte) 198);
            System.arraycopy(previous, 0, expected, 0, 4096);
            assertThat(Arrays.copyOf(nodes.data(1, 12288), 12288)).isEqualTo(expected);
            assertThat(Arrays.copyOf(nodes.data(2, 12288), 12288)).isEqualTo(expected);
        }
    }
}
