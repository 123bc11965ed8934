package io.appliance.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.ApplianceCluster;
import io.appliance.itest.harness.ClusterConfigFile;
import io.appliance.itest.harness.ClusterLab;
import io.appliance.itest.harness.ClusterNode;
import io.appliance.itest.harness.NetworkLabExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A failing monitor: Dummy {@code d} (migration-threshold 2, monitor every second) loses its state
 * file; the monitor reports "not running", the LRM restarts it in place (fail count 1); the second
 * failure reaches the threshold and the group moves to the other node; cleanup resets the count.
 */
class ClusterMonitorFailureTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    final NetworkLabExtension labs = new NetworkLabExtension();

    @Test
    void aFailedMonitorRestartsInPlaceThenMovesAtTheMigrationThreshold() throws Exception {
        ClusterLab.assumeUsable();
        try (ApplianceCluster cluster = ApplianceCluster.create(ClusterConfigFile.Spec.light()
                .dummyGroup("gd", "d", ClusterLab.NODE1, 2))) {
            cluster.nodes().forEach(labs::watch);
            ClusterNode node1 = cluster.node(ClusterLab.NODE1);
            ClusterNode witness = cluster.node(ClusterLab.WITNESS);
            Path stateFile = node1.stateDirectory().resolve("cluster").resolve("dummy-d.state");
            cluster.startAll();
            cluster.settleOn(witness, "gd", ClusterLab.NODE1, Duration.ofSeconds(45));
            assertThat(stateFile).exists();

            Files.delete(stateFile);
            witness.awaitStatus("d restarted on node1 with fail count 1", LIMIT,
                    s -> ApplianceCluster.failCount(s, "d", ClusterLab.NODE1) == 1
                            && ApplianceCluster.startedOn(s, "gd").filter(ClusterLab.NODE1::equals).isPresent()
                            && Files.exists(stateFile));
            assertThat(witness.statusText()).contains("fail-count=1");

            Files.delete(stateFile);
            JsonNode moved = witness.awaitStatus("d moved to node2 with fail count 2 on node1", LIMIT,
                    s -> ApplianceCluster.failCount(s, "d", ClusterLab.NODE1) == 2
                            && ApplianceCluster.startedOn(s, "gd").filter(ClusterLab.NODE2::equals).isPresent());
            assertThat(moved.path("failures").toString()).contains("monitor");

            assertThat(witness.post("/cluster/resources/d/cleanup", Map.of("node", ClusterLab.NODE1)).status()).isEqualTo(200);
            witness.awaitStatus("fail count reset", LIMIT, s -> ApplianceCluster.failCount(s, "d", ClusterLab.NODE1) == 0);
        }
    }
}
