package io.appliance.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.replication.state.ConnectionState;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import io.appliance.replication.sync.SyncProgress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusRenderingTest {

    private static ResourceStatus status(ConnectionState connection, Optional<SyncProgress> sync) {
        return new ResourceStatus("r0", Role.PRIMARY, DiskState.UP_TO_DATE, false, 1L << 30, connection, "node2",
                Role.SECONDARY, DiskState.INCONSISTENT, ReplicationState.SYNC_SOURCE, 512L << 20, sync, 0,
                GenerationIds.justCreated(), 3, ResourceStatus.Counters.ZERO, Optional.of("peer refused"));
    }

    @Test
    void rendersLikeDrbdadmStatusWhileSyncing() {
        String text = status(ConnectionState.CONNECTED, Optional.of(SyncProgress.of(1000, 548, 10)))
                .render(false);
        assertThat(text).isEqualTo("""
                r0 role:Primary
                  disk:UpToDate
                  node2 role:Secondary
                    replication:SyncSource peer-disk:Inconsistent done:45.20
                """);
    }

    @Test
    void rendersTheConnectionStateWhenNotConnectedAndDetailsWhenVerbose() {
        ResourceStatus status = status(ConnectionState.CONNECTING, Optional.empty());
        assertThat(status.render(false)).isEqualTo("""
                r0 role:Primary
                  disk:UpToDate
                  node2 connection:Connecting
                """);
        assertThat(status.render(true)).contains("out-of-sync:524288KiB").contains("epoch:3")
                .contains("last-problem: peer refused");
    }

    @Test
    void rendersEventsLikeDrbdsetupEvents2() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("conn-name", "node2");
        fields.put("replication", "SyncSource");
        fields.put("peer-disk", "Inconsistent");
        ReplicationEvent event = new ReplicationEvent(Instant.EPOCH, "peer-device", "r0", fields);
        assertThat(event.render())
                .isEqualTo("change peer-device name:r0 conn-name:node2 replication:SyncSource peer-disk:Inconsistent");
        assertThat(event.renderExists()).startsWith("exists peer-device name:r0 ");
    }
}
