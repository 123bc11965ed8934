package io.appliance.cluster.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.cluster.agent.ResourceAgent;
import io.appliance.config.cluster.PrimitiveDefinition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryClusterTest {

    @Test
    void theInvariantCheckCatchesAResourceActiveOnTwoNodes() throws Exception {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().build());
        cluster.start();
        cluster.advance(Duration.ofSeconds(3));
        PrimitiveDefinition vip = TestClusters.builder().build().resources().primitive("vip").orElseThrow();
        ResourceAgent rogue = cluster.agents().factoryFor("node2").create(vip);

        rogue.start();

        assertThatThrownBy(cluster::assertNeverActiveTwice).isInstanceOf(AssertionError.class)
                .hasMessageContaining("vip is active on [node1, node2]");
    }

    @Test
    void viewsFollowTheConnectivityMatrix() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().build());
        cluster.failureDetection(Duration.ofSeconds(1));
        cluster.start();
        assertThat(cluster.view("node2").orElseThrow().members()).containsExactly("node1", "node2", "witness");

        cluster.isolate("witness");
        cluster.advance(Duration.ofMillis(875));
        assertThat(cluster.view("node2").orElseThrow().members()).hasSize(3);
        cluster.advance(Duration.ofMillis(125));
        assertThat(cluster.view("node2").orElseThrow().members()).containsExactly("node1", "node2");
        assertThat(cluster.view("witness").orElseThrow().members()).containsExactly("witness");

        cluster.heal();
        cluster.advance(Duration.ofSeconds(1));
        assertThat(cluster.view("witness").orElseThrow().members()).containsExactly("node1", "node2", "witness");
        assertThat(cluster.view("witness").orElseThrow().id()).isEqualTo(cluster.view("node1").orElseThrow().id());
    }
}
