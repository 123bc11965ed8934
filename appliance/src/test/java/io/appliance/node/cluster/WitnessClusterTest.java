package io.appliance.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.placement.LocalState;
import io.appliance.cluster.runtime.ClusterStatus;
import io.appliance.cluster.runtime.NodeStatus;
import io.appliance.cluster.runtime.ResourceStatus;
import io.appliance.iscsi.target.Portal;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cluster stacks in one JVM over JGroups on loopback: a storage node and a witness. The
 * witness votes and may coordinate but never runs a resource; alone it has no quorum.
 */
class WitnessClusterTest {

    /** No iSCSI service in this test: an iscsi-target resource would fail, none is configured. */
    private static final PortalControl NO_PORTALS = new PortalControl() {
        @Override
        public void listen(Portal portal) throws IOException {
            throw new IOException("no iSCSI service in this test");
        }

        @Override
        public int stopListening(Portal portal) {
            return 0;
        }

        @Override
        public boolean isListening(Portal portal) {
            return false;
        }
    };

    @TempDir
    Path storageState;
    @TempDir
    Path witnessState;

    @Test
    void theWitnessVotesButNeverRunsResources() throws Exception {
        String yaml = """
                nodeName: %s
                cluster:
                  name: witness-test
                  keepalive: 200ms
                  warntime: 500ms
                  deadtime: 1s
                  initdead: 5s
                  authkey: {secret: "witness test secret"}
                  fencing: {watchdogTimeout: 3s, selfFenceTimeout: 1s}
                  nodes:
                    - {name: store, addresses: ["127.0.0.1:%d"]}
                    - {name: witness, role: witness, addresses: ["127.0.0.1:%d"]}
                  resources:
                    - {id: d1, type: Dummy, ops: [{name: monitor, interval: 1s}]}
                  constraints:
                    location: [{id: want-witness, rsc: d1, node: witness, score: INFINITY}]
                """;
        int storagePort = freePort();
        int witnessPort = freePort();
        ClusterConfiguration storageConfiguration = ClusterConfigurationTest.parse(
                yaml.formatted("store", storagePort, witnessPort)).getCluster().orElseThrow();
        ClusterConfiguration witnessConfiguration = ClusterConfigurationTest.parse(
                yaml.formatted("witness", storagePort, witnessPort)).getCluster().orElseThrow();
        ClusterManager witness = ClusterManager.start(witnessConfiguration, "witness", witnessState,
                name -> Optional.empty(), List::of, NO_PORTALS);
        try {
            ClusterManager storage = ClusterManager.start(storageConfiguration, "store", storageState,
                    name -> Optional.empty(), List::of, NO_PORTALS);
            try {
                Waits.until(Duration.ofSeconds(30), "d1 started on store", () -> summary(storage.status()).equals("Started store"));
                ClusterStatus seenByWitness = witness.status();
                assertThat(seenByWitness.quorate()).isTrue();
                assertThat(seenByWitness.nodes()).extracting(NodeStatus::name).containsExactly("store", "witness");
                assertThat(seenByWitness.resources().get(0).states().getOrDefault("witness",
                        LocalState.STOPPED))
                        .isEqualTo(LocalState.STOPPED);
                assertThat(storageState.resolve("cluster")).isDirectory();
            } finally {
                storage.close();
            }
            Waits.until(Duration.ofSeconds(15), "the witness alone loses quorum", () -> !witness.status().quorate());
            assertThat(summary(witness.status())).doesNotContain("witness");
        } finally {
            witness.close();
        }
    }

    private static String summary(ClusterStatus status) {
        return status.resources().stream().filter(resource -> resource.id().equals("d1")).map(ResourceStatus::summary)
                .findFirst().orElse("");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
