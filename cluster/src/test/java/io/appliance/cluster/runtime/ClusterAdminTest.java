package io.appliance.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.kit.InMemoryCluster;
import io.appliance.cluster.kit.TestClusters;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterAdminTest {

    private static void request(InMemoryCluster cluster, String from, AdminChange.Kind kind, String resource,
            String node, boolean enabled) {
        cluster.runtime(from).requestAdminChange(new AdminChange(kind, resource, node, enabled, kind + "-" + node));
        cluster.advance(Duration.ofSeconds(2));
    }

    @Test
    void standbyMovesTheGroupAwayAndOnlineFailsItBackWithoutStickiness() {
        InMemoryCluster cluster = InMemoryCluster.started(TestClusters.builder());

        request(cluster, "node2", AdminChange.Kind.STANDBY, null, "node1", true);
        assertThat(cluster.groupOn("node2")).isTrue();
        assertThat(cluster.agents().log()).startsWith("node1 stop vip", "node1 stop target", "node1 stop disk",
                "node1 stop block", "node2 start block", "node2 start disk", "node2 start target", "node2 start vip");
        assertThat(cluster.status("witness").nodes()).filteredOn(n -> n.name().equals("node1"))
                .extracting(NodeStatus::state).containsExactly("standby");
        assertThat(cluster.runtime("witness").adminState().standbyNodes()).containsExactly("node1");

        request(cluster, "witness", AdminChange.Kind.ONLINE, null, "node1", false);
        assertThat(cluster.groupOn("node1")).isTrue();
    }

    @Test
    void stickinessKeepsTheGroupWhereItRunsAfterOnline() {
        InMemoryCluster cluster = InMemoryCluster.started(TestClusters.builder().stickiness(1000));

        request(cluster, "node1", AdminChange.Kind.STANDBY, null, "node1", true);
        assertThat(cluster.groupOn("node2")).isTrue();
        request(cluster, "node1", AdminChange.Kind.ONLINE, null, "node1", false);
        cluster.advance(Duration.ofSeconds(3));
        assertThat(cluster.groupOn("node2")).isTrue();
        assertThat(cluster.agents().startedOn("node1")).doesNotContainAnyElementsOf(TestClusters.GROUP);
    }

    @Test
    void moveAndClear() {
        InMemoryCluster cluster = InMemoryCluster.started(TestClusters.builder());

        request(cluster, "witness", AdminChange.Kind.MOVE, "g-iscsi", "node2", false);
        assertThat(cluster.groupOn("node2")).isTrue();
        assertThat(cluster.runtime("node1").adminState().cliConstraints()).extracting(c -> c.id())
                .containsExactly("cli-prefer-g-iscsi");

        request(cluster, "witness", AdminChange.Kind.CLEAR, "g-iscsi", null, false);
        assertThat(cluster.groupOn("node1")).isTrue();
        assertThat(cluster.runtime("node2").adminState().cliConstraints()).isEmpty();
    }

    @Test
    void maintenanceModeStopsStartsAndStopsButMonitorsStillReport() {
        InMemoryCluster cluster = InMemoryCluster.started(TestClusters.builder());

        request(cluster, "node2", AdminChange.Kind.MAINTENANCE, null, null, true);
        request(cluster, "node2", AdminChange.Kind.STANDBY, null, "node1", true);
        cluster.agents().kill("node1", "vip");
        cluster.advance(Duration.ofSeconds(3));

        assertThat(cluster.agents().log()).isEmpty();
        ClusterStatus status = cluster.status("node1");
        assertThat(status.maintenance()).isTrue();
        assertThat(status.failures()).extracting(FailureRecord::resource).containsExactly("vip");
        assertThat(CrmMonRenderer.render(status, cluster.now())).contains("Resource management is DISABLED");

        request(cluster, "node2", AdminChange.Kind.MAINTENANCE, null, null, false);
        cluster.advance(Duration.ofSeconds(2));
        assertThat(cluster.groupOn("node2")).isTrue();
    }

    @Test
    void cleanupForgetsFailures() {
        InMemoryCluster cluster = InMemoryCluster.started(TestClusters.builder());
        cluster.agents().kill("node1", "vip");
        cluster.advance(Duration.ofSeconds(2));
        assertThat(cluster.status("node2").failures()).hasSize(1);

        request(cluster, "node2", AdminChange.Kind.CLEANUP, "vip", null, false);
        assertThat(cluster.status("node2").failures()).isEmpty();
        assertThat(cluster.groupOn("node1")).isTrue();
    }
}
