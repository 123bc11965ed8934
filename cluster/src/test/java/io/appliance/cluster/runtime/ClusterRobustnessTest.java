package io.appliance.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.kit.InMemoryCluster;
import io.appliance.cluster.kit.TestClusters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterRobustnessTest {

    @Test
    void aNodeWithAnotherConfigurationIsExcluded() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().build());
        cluster.start();
        cluster.advance(Duration.ofSeconds(3));
        assertThat(cluster.agents().startedOn("node2")).containsExactly("dummy");

        cluster.crash("node2");
        cluster.restart("node2", TestClusters.builder().otherResources().build());
        cluster.advance(Duration.ofSeconds(8));

        assertThat(cluster.agents().startedOn("node1")).contains("dummy");
        assertThat(cluster.agents().startedOn("node2")).isEmpty();
        ClusterStatus status = cluster.status("node1");
        assertThat(status.nodes()).filteredOn(n -> n.name().equals("node2"))
                .extracting(NodeStatus::state, NodeStatus::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("config mismatch",
                        "configuration differs from the coordinator's"));
        assertThat(CrmMonRenderer.render(status, cluster.now())).contains("Node node2: config mismatch");
    }

    @Test
    void droppedDecisionsAreRepeated() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().build());
        cluster.dropMessages(envelope -> envelope.message() instanceof Decision && envelope.to().equals("node2"));
        cluster.start();
        cluster.advance(Duration.ofSeconds(4));
        assertThat(cluster.agents().startedOn("node2")).isEmpty();
        assertThat(cluster.agents().startedOn("node1")).isEmpty();

        cluster.dropMessages(envelope -> false);
        cluster.advance(Duration.ofSeconds(1));
        assertThat(cluster.groupOn("node1")).isTrue();
        assertThat(cluster.agents().startedOn("node2")).containsExactly("dummy");
    }

    @Test
    void heldAndReleasedOldDecisionsAreIgnored() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().build());
        cluster.start();
        cluster.advance(Duration.ofSeconds(3));
        cluster.holdMessages(envelope -> envelope.message() instanceof Decision && envelope.to().equals("node2"));
        cluster.advance(Duration.ofSeconds(2));
        cluster.holdMessages(envelope -> false);
        cluster.runtime("node1").requestAdminChange(
                new AdminChange(AdminChange.Kind.MOVE, "g-iscsi", "node2", false, "m"));
        cluster.advance(Duration.ofSeconds(2));
        assertThat(cluster.groupOn("node2")).isTrue();

        assertThat(cluster.releaseHeld()).isPositive();
        cluster.advance(Duration.ofSeconds(2));
        assertThat(cluster.groupOn("node2")).isTrue();
    }

    @Test
    void malformedMessagesAreIgnored() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().build());
        cluster.start();
        cluster.advance(Duration.ofSeconds(3));

        cluster.inject("node2", "node1", "not json".getBytes(StandardCharsets.UTF_8));
        cluster.inject("node2", "node1", "{\"type\":\"decision\",\"epoch\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        cluster.inject("node2", "node1", "{\"type\":\"nope\"}".getBytes(StandardCharsets.UTF_8));
        cluster.inject("node2", "node1", new byte[0]);
        cluster.inject("node2", "node1", new byte[ClusterMessageCodec.MAX_MESSAGE_BYTES + 1]);
        cluster.inject("stranger", "node1", ClusterMessageCodec.encode(new Cleanup(null, null)));
        cluster.advance(Duration.ofSeconds(2));

        assertThat(cluster.alive("node1")).isTrue();
        assertThat(cluster.status("node1").quorate()).isTrue();
        assertThat(cluster.groupOn("node1")).isTrue();
    }

    /**
     * The membership layer can disagree with itself (a coordinator that installed another view under the same id):
     * the witness still lists node1 as its coordinator but hears nothing from it. After three deadtimes it leaves and
     * joins again, once per such period; nodes that hear the coordinator, and the coordinator itself, never do.
     */
    @Test
    void aNodeWhoseCoordinatorIsSilentInItsViewRejoinsTheCluster() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().build());
        cluster.start();
        cluster.advance(Duration.ofSeconds(11)); // past initdead (10 s)
        assertThat(cluster.view("witness").orElseThrow().coordinator()).isEqualTo("node1");
        cluster.checkInvariant(false);

        cluster.dropMessages(envelope -> envelope.from().equals("node1") && envelope.to().equals("witness"));
        cluster.advance(Duration.ofSeconds(5));
        assertThat(cluster.rejoins("witness")).as("within three deadtimes (6 s)").isZero();
        cluster.advance(Duration.ofSeconds(2));
        assertThat(cluster.rejoins("witness")).isEqualTo(1);
        cluster.advance(Duration.ofSeconds(5));
        assertThat(cluster.rejoins("witness")).as("at most once per three deadtimes").isEqualTo(1);
        cluster.advance(Duration.ofSeconds(2));
        assertThat(cluster.rejoins("witness")).isEqualTo(2);
        assertThat(cluster.rejoins("node1")).isZero();
        assertThat(cluster.rejoins("node2")).isZero();
        assertThat(cluster.events("witness")).anySatisfy(event -> assertThat(event.toString())
                .contains("coordinator silent for"));
    }

    @Test
    void duringInitdeadASilentCoordinatorIsLeftToTheMembershipLayerUntilThreeDeadtimesAfterInitdead() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().build());
        cluster.start();
        cluster.advance(Duration.ofSeconds(3));
        assertThat(cluster.view("witness").orElseThrow().coordinator()).isEqualTo("node1");

        cluster.dropMessages(envelope -> envelope.from().equals("node1") && envelope.to().equals("witness"));
        cluster.advance(Duration.ofSeconds(12));
        assertThat(cluster.rejoins("witness")).as("silent since 3 s, but initdead (10 s) counts first").isZero();
        cluster.advance(Duration.ofSeconds(2));
        assertThat(cluster.rejoins("witness")).as("three deadtimes after initdead").isEqualTo(1);
    }
}
