package io.appliance.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.kit.InMemoryCluster;
import io.appliance.cluster.kit.TestClusters;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mandatory order constraints between units on different nodes. */
class ClusterOrderTest {

    @Test
    void thenStartsOnlyAfterFirstAndStopsBeforeFirstMoves() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().order("g-iscsi", "dummy").build());
        cluster.start();
        cluster.advance(Duration.ofSeconds(4));
        List<String> startLog = cluster.agents().log();
        assertThat(cluster.agents().startedOn("node1")).containsAll(TestClusters.GROUP);
        assertThat(cluster.agents().startedOn("node2")).contains("dummy");
        assertThat(startLog.indexOf("node2 start dummy")).isGreaterThan(startLog.indexOf("node1 start vip"));

        cluster.agents().clearLog();
        cluster.runtime("witness").requestAdminChange(
                new AdminChange(AdminChange.Kind.STANDBY, null, "node1", true, "standby-node1"));
        cluster.advance(Duration.ofSeconds(6));

        List<String> moveLog = cluster.agents().log();
        assertThat(cluster.agents().startedOn("node2")).containsAll(TestClusters.GROUP).contains("dummy");
        assertThat(moveLog.indexOf("node2 stop dummy")).isNotNegative()
                .isLessThan(moveLog.indexOf("node1 stop block"));
        assertThat(moveLog.lastIndexOf("node2 start dummy")).isGreaterThan(moveLog.indexOf("node2 start vip"));
    }

    @Test
    void withoutTheConstraintDummyDoesNotWaitForTheGroup() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().build());
        cluster.start();
        cluster.advance(Duration.ofSeconds(4));
        cluster.agents().clearLog();
        cluster.runtime("witness").requestAdminChange(
                new AdminChange(AdminChange.Kind.STANDBY, null, "node1", true, "standby-node1"));
        cluster.advance(Duration.ofSeconds(6));
        assertThat(cluster.agents().log()).doesNotContain("node2 stop dummy");
    }
}
