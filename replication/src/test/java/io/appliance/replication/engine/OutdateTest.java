package io.appliance.replication.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.replication.ReplicationException;
import io.appliance.replication.ReplicationException.Reason;
import io.appliance.replication.ResourceStatus;
import io.appliance.replication.state.ConnectionState;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** drbdadm outdate: refused while Primary or connected; an Outdated node is not promoted and resyncs from its peer. */
class OutdateTest {
    private static final long BACKING = 8L << 20;
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    @Test
    void outdateIsRefusedWhilePrimaryOrConnectedWithDrbdsMessages() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.initialSync();
            assertThatThrownBy(nodes.r1::outdate).isInstanceOfSatisfying(ReplicationException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.NEED_UP_TO_DATE);
                assertThat(e.getMessage()).isEqualTo("r0: State change failed: (-2) Need access to UpToDate data");
            });
            assertThatThrownBy(nodes.r2::outdate).isInstanceOfSatisfying(ReplicationException.class, e ->
                    assertThat(e.getMessage()).isEqualTo(
                            "r0: State change failed: (-6) Refusing to be Outdated while Connected"));
            assertThat(nodes.r2.status().disk()).isEqualTo(DiskState.UP_TO_DATE);
        }
    }

    @Test
    void twoOutdatedNodesWithTheSameDataStayOutdatedWhenTheyConnect() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.initialSync();
            nodes.r1.secondary();
            nodes.r1.disconnect();
            TwoNodes.awaitStatus(nodes.r2, s -> s.connection() != ConnectionState.CONNECTED);
            nodes.r1.outdate();
            nodes.r2.outdate();

            nodes.r1.connect(false);
            nodes.awaitBoth(s -> s.connection() == ConnectionState.CONNECTED
                    && s.replication() == ReplicationState.ESTABLISHED);
            assertThat(nodes.r1.status().disk()).isEqualTo(DiskState.OUTDATED);
            assertThat(nodes.r2.status().disk()).isEqualTo(DiskState.OUTDATED);
            assertThatThrownBy(() -> nodes.r1.primary(false)).isInstanceOfSatisfying(ReplicationException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.NEED_UP_TO_DATE));
            nodes.r1.primary(true);
            assertThat(nodes.r1.status().disk()).isEqualTo(DiskState.UP_TO_DATE);
        }
    }

    @Test
    void anOutdatedNodeStaysOutdatedAcrossDownUpIsNotPromotedAndBecomesSyncTargetOnConnect() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.initialSync();
            List<String> node2Events = new CopyOnWriteArrayList<>();
            try (AutoCloseable subscription = nodes.node2.subscribe(event -> node2Events.add(event.render()))) {
                nodes.r1.disconnect();
                TwoNodes.awaitStatus(nodes.r2, s -> s.connection() != ConnectionState.CONNECTED);
                byte[] written = new byte[3 * BLOCK];
                Arrays.fill(written, (byte) 0x3c);
                TwoNodes.join(nodes.r1.device().write(5L * BLOCK, ByteBuffer.wrap(written), false));

                nodes.r2.outdate();
                assertThat(nodes.r2.status().disk()).isEqualTo(DiskState.OUTDATED);
                nodes.r2.outdate();
                assertThatThrownBy(() -> nodes.r2.primary(false)).isInstanceOfSatisfying(ReplicationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NEED_UP_TO_DATE));

                nodes.r2.down();
                nodes.r2.up();
                assertThat(nodes.r2.status().disk()).as("Outdated is durable").isEqualTo(DiskState.OUTDATED);
                assertThatThrownBy(() -> nodes.r2.primary(false)).isInstanceOf(ReplicationException.class);
                assertThat(nodes.r2.status().role()).isEqualTo(Role.SECONDARY);

                long receivedBefore = nodes.r2.status().counters().resyncReceivedBytes();
                nodes.r1.connect(false);
                ResourceStatus synced = TwoNodes.awaitStatus(nodes.r2, s -> s.disk() == DiskState.UP_TO_DATE
                        && s.replication() == ReplicationState.ESTABLISHED);
                assertThat(synced.counters().resyncReceivedBytes() - receivedBefore).as("a bitmap resync of the 3 blocks")
                        .isEqualTo(3L * BLOCK);
                assertThat(node2Events).anyMatch(line -> line.contains("replication:SyncTarget"));
                long size = synced.sizeBytes();
                assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size))).isTrue();
            }
        }
    }
}
