package io.appliance.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.ApplianceCluster;
import io.appliance.itest.harness.ClusterConfigFile;
import io.appliance.itest.harness.ClusterLab;
import io.appliance.itest.harness.ClusterNode;
import io.appliance.itest.harness.NetworkLabExtension;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * no-quorum-policy=stop: node1 runs a Dummy group; node2 and the witness leave (SIGTERM), node1 holds
 * 1 of 3 votes and must stop its group within deadtime + selfFenceTimeout (+ a margin for polling);
 * when they come back, quorum returns and the group runs again.
 */
class ClusterQuorumTest {

    private static final Duration MARGIN = Duration.ofSeconds(3);

    @RegisterExtension
    final NetworkLabExtension labs = new NetworkLabExtension();

    @Test
    void aNodeWithoutQuorumStopsItsResourcesAndResumesWhenQuorumReturns() throws Exception {
        ClusterLab.assumeUsable();
        try (ApplianceCluster cluster = ApplianceCluster.create(ClusterConfigFile.Spec.light()
                .dummyGroup("g", "d", ClusterLab.NODE1, 0))) {
            cluster.nodes().forEach(labs::watch);
            ClusterNode node1 = cluster.node(ClusterLab.NODE1);
            Path stateFile = node1.stateDirectory().resolve("cluster").resolve("dummy-d.state");
            cluster.startAll();
            cluster.settleOn(node1, "g", ClusterLab.NODE1, Duration.ofSeconds(45));
            assertThat(node1.status().path("quorate").asBoolean()).isTrue();

            long stoppedAt = System.nanoTime();
            cluster.node(ClusterLab.NODE2).stop();
            cluster.node(ClusterLab.WITNESS).stop();
            Duration bound = ClusterConfigFile.DEADTIME.plus(ClusterConfigFile.SELF_FENCE_TIMEOUT).plus(MARGIN);
            node1.awaitStatus("without quorum and g stopped", bound,
                    s -> !s.path("quorate").asBoolean(true) && ApplianceCluster.stopped(s, "g"));
            assertThat(stateFile).as("the Dummy's state file is gone once it stopped").doesNotExist();
            System.out.printf("quorum: g stopped %d ms after the peers left%n", (System.nanoTime() - stoppedAt) / 1_000_000);

            cluster.start(ClusterLab.NODE2, ClusterLab.WITNESS);
            node1.awaitStatus("quorate again with g started", Duration.ofSeconds(45),
                    s -> s.path("quorate").asBoolean(false) && ApplianceCluster.startedOn(s, "g").isPresent());
        }
    }
}
