package io.appliance.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.ApplianceCluster;
import io.appliance.itest.harness.ApplianceRest;
import io.appliance.itest.harness.ClusterConfigFile;
import io.appliance.itest.harness.ClusterLab;
import io.appliance.itest.harness.ClusterNode;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ToolResult;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The administrator's verbs on a light cluster (two storage nodes and a witness, Dummy groups only):
 * {@code g} prefers node1 with the cluster's stickiness 200 (auto_failback off), {@code ga} prefers
 * node1 and {@code gb} node2, both with stickiness 0 (auto_failback on, Heartbeat's mutual standby).
 */
class ClusterAdministrationTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Duration STAY = Duration.ofSeconds(3);

    @RegisterExtension
    final NetworkLabExtension labs = new NetworkLabExtension();

    @Test
    void standbyOnlineMoveClearAndMutualStandby() throws Exception {
        ClusterLab.assumeUsable();
        ClusterConfigFile.Spec spec = ClusterConfigFile.Spec.light()
                .dummyGroup("g", "d", ClusterLab.NODE1, 0)
                .dummyGroup("ga", "da", ClusterLab.NODE1, 0, 0)
                .dummyGroup("gb", "db", ClusterLab.NODE2, 0, 0);
        try (ApplianceCluster cluster = ApplianceCluster.create(spec)) {
            cluster.nodes().forEach(labs::watch);
            ClusterNode admin = cluster.node(ClusterLab.WITNESS);
            cluster.startAll();
            cluster.settleOn(admin, "g", ClusterLab.NODE1, Duration.ofSeconds(45));
            cluster.settleOn(admin, "ga", ClusterLab.NODE1, LIMIT);
            cluster.settleOn(admin, "gb", ClusterLab.NODE2, LIMIT);

            expectApplied(admin.post("/cluster/nodes/node1/standby", null));
            cluster.awaitStartedOn(admin, "g", ClusterLab.NODE2, LIMIT);
            cluster.awaitStartedOn(admin, "ga", ClusterLab.NODE2, LIMIT);
            assertThat(ApplianceCluster.nodeState(admin.status(), ClusterLab.NODE1)).isEqualTo("standby");

            expectApplied(admin.post("/cluster/nodes/node1/online", null));
            cluster.awaitStartedOn(admin, "ga", ClusterLab.NODE1, LIMIT); // stickiness 0: fails back
            cluster.assertStaysOn(admin, "g", ClusterLab.NODE2, STAY);      // stickiness 200 > location 100

            ToolResult move = admin.cli("cluster", "move", "g", ClusterLab.NODE1);
            assertThat(move.succeeded()).as(move.describe()).isTrue();
            cluster.awaitStartedOn(admin, "g", ClusterLab.NODE1, LIMIT);
            ToolResult crmMon = admin.cli("cluster", "status");
            assertThat(crmMon.succeeded()).as(crmMon.describe()).isTrue();
            assertThat(crmMon.stdout()).contains("Resource Group: g:").containsPattern("d\\s+\\(Dummy\\):\\s+Started node1");
            ToolResult refused = admin.cli("cluster", "standby", "node9");
            assertThat(refused.exitCode()).as(refused.describe()).isNotZero();
            expectApplied(admin.post("/cluster/resources/g/clear", null));
            cluster.assertStaysOn(admin, "g", ClusterLab.NODE1, STAY);

            expectApplied(admin.post("/cluster/nodes/node2/standby", null));
            cluster.awaitStartedOn(admin, "gb", ClusterLab.NODE1, LIMIT);
            expectApplied(admin.post("/cluster/nodes/node2/online", null));
            cluster.awaitStartedOn(admin, "gb", ClusterLab.NODE2, LIMIT);
            cluster.assertStaysOn(admin, "ga", ClusterLab.NODE1, Duration.ofMillis(500));

            assertThat(admin.post("/cluster/nodes/node9/standby", null).status()).isEqualTo(404);
            assertThat(admin.post("/cluster/resources/nothing/move", null).status()).isEqualTo(404);
            assertThat(admin.post("/cluster/resources/g/ban", Map.of("node", 7)).status()).isIn(400, 404);
        }
    }

    private static void expectApplied(ApplianceRest.Response response) {
        assertThat(response.status()).as("%s -> %s", response.request(), response.body()).isEqualTo(200);
        assertThat(response.json().path("adminVersion").asLong(-1)).as(response.body()).isPositive();
    }
}
