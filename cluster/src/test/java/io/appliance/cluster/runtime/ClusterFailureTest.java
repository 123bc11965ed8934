package io.appliance.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.agent.AgentResult;
import io.appliance.cluster.agent.OcfStatus;
import io.appliance.cluster.kit.FakeFenceDevice;
import io.appliance.cluster.kit.InMemoryCluster;
import io.appliance.cluster.kit.TestClusters;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterFailureTest {

    @Test
    void aMonitorFailureRestartsInPlaceThenMovesAtTheMigrationThreshold() {
        InMemoryCluster cluster = InMemoryCluster.started(TestClusters.builder().migrationThreshold(2));

        cluster.agents().kill("node1", "disk");
        cluster.advance(Duration.ofSeconds(2));

        assertThat(cluster.agents().log()).containsExactly("node1 stop vip", "node1 stop target", "node1 stop disk",
                "node1 stop block", "node1 start block", "node1 start disk", "node1 start target", "node1 start vip");
        ClusterStatus status = cluster.status("node1");
        assertThat(status.failures()).extracting(FailureRecord::resource, FailureRecord::node, FailureRecord::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("disk", "node1", OcfStatus.NOT_RUNNING));
        assertThat(CrmMonRenderer.render(status, cluster.now()))
                .contains("disk monitor on node1 'not running' (7)")
                .contains("disk: migration-threshold=2 fail-count=1");

        cluster.agents().clearLog();
        cluster.agents().kill("node1", "disk");
        cluster.advanceUntil(Duration.ofSeconds(5), () -> cluster.groupOn("node2"));
        assertThat(cluster.agents().log("node2", "start")).containsExactlyElementsOf(TestClusters.GROUP);
        assertThat(cluster.agents().startedOn("node1")).doesNotContainAnyElementsOf(TestClusters.GROUP);
        assertThat(cluster.status("node1").resources()).filteredOn(r -> r.id().equals("disk"))
                .extracting(ResourceStatus::failCounts).containsExactly(java.util.Map.of("node1", 2));
    }

    @Test
    void aFailureExpiresAfterTheFailureTimeout() {
        InMemoryCluster cluster = InMemoryCluster.started(TestClusters.builder().failureTimeout(Duration.ofSeconds(10)));

        cluster.agents().kill("node1", "vip");
        cluster.advance(Duration.ofSeconds(2));
        assertThat(cluster.status("node1").failures()).hasSize(1);

        cluster.advance(Duration.ofSeconds(10));
        assertThat(cluster.status("node1").failures()).isEmpty();
    }

    @Test
    void aHungMonitorTimesOutAndCountsAsAFailure() {
        InMemoryCluster cluster = InMemoryCluster.started(TestClusters.builder());

        cluster.agents().hang("node1", "vip", "monitor");
        cluster.advance(Duration.ofMillis(3500));
        assertThat(cluster.status("node1").failures()).isEmpty();
        cluster.agents().unhang("node1", "vip", "monitor");
        cluster.advance(Duration.ofSeconds(1));

        assertThat(cluster.status("node1").failures()).extracting(FailureRecord::resource, FailureRecord::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("vip", OcfStatus.TIMEOUT));
        assertThat(cluster.agents().log()).contains("node1 stop vip", "node1 start vip");
        assertThat(cluster.groupOn("node1")).isTrue();
    }

    @Test
    void aStopFailureWithAFenceDeviceFencesTheNodeAndMovesTheGroup() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder()
                .fenceDevice("ipmi", List.of("node1", "node2")).build());
        FakeFenceDevice device = cluster.addFenceDevice("ipmi", Set.of("node1", "node2"));
        cluster.start();
        cluster.advance(Duration.ofSeconds(3));
        cluster.agents().script("node1", "vip", "stop", AgentResult.failed("address busy"));

        cluster.runtime("node2").requestAdminChange(
                new AdminChange(AdminChange.Kind.MOVE, "g-iscsi", "node2", false, "move-1"));
        cluster.advanceUntil(Duration.ofSeconds(10), () -> cluster.groupOn("node2"));

        assertThat(device.fenced()).contains("node1");
        assertThat(cluster.alive("node1")).isFalse();
    }

    @Test
    void aStopFailureWithoutFenceDeviceBlocksTheGroup() {
        InMemoryCluster cluster = InMemoryCluster.started(TestClusters.builder());
        cluster.agents().script("node1", "vip", "stop", AgentResult.failed("address busy"));

        cluster.runtime("node1").requestAdminChange(
                new AdminChange(AdminChange.Kind.MOVE, "g-iscsi", "node2", false, "move-1"));
        cluster.advance(Duration.ofSeconds(20));

        assertThat(cluster.agents().startedOn("node2")).doesNotContainAnyElementsOf(TestClusters.GROUP);
        assertThat(cluster.agents().log("node2", "start")).isEmpty();
        ResourceStatus vip = cluster.status("node1").resources().stream().filter(r -> r.id().equals("vip"))
                .findFirst().orElseThrow();
        assertThat(vip.explanation()).contains("blocked").contains("no fence device");
        assertThat(vip.summary()).contains("FAILED node1");
    }

    @Test
    void aFatalStartFailureBansTheNodeAndTheGroupStartsElsewhere() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().build());
        cluster.agents().script("node1", "target", "start", AgentResult.failed("port in use"));
        cluster.start();
        cluster.advanceUntil(Duration.ofSeconds(10), () -> cluster.groupOn("node2"));

        assertThat(cluster.agents().startedOn("node1")).doesNotContainAnyElementsOf(TestClusters.GROUP);
        assertThat(cluster.agents().log("node1", "stop")).containsExactly("target", "disk", "block");
        assertThat(CrmMonRenderer.render(cluster.status("node1"), cluster.now()))
                .contains("target: migration-threshold=INFINITY fail-count=INFINITY");
    }

    @Test
    void onFailStandbyPutsTheNodeInStandby() {
        InMemoryCluster cluster = InMemoryCluster.started(TestClusters.builder().monitorOnFail(io.appliance.config.cluster.OnFail.STANDBY));

        cluster.agents().kill("node1", "vip");
        cluster.advanceUntil(Duration.ofSeconds(5), () -> cluster.groupOn("node2"));

        assertThat(cluster.runtime("node2").adminState().standbyNodes()).containsExactly("node1");
    }
}
