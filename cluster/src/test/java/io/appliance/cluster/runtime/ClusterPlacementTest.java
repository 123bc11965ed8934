package io.appliance.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.kit.InMemoryCluster;
import io.appliance.cluster.kit.TestClusters;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterPlacementTest {

    @Test
    void placesTheGroupOnThePreferredNodeInOrder() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().build());
        cluster.start();
        cluster.advance(Duration.ofSeconds(3));

        assertThat(cluster.agents().log("node1", "start")).containsExactlyElementsOf(TestClusters.GROUP);
        assertThat(cluster.agents().startedOn("node1")).containsExactlyInAnyOrderElementsOf(TestClusters.GROUP);
        assertThat(cluster.agents().startedOn("node2")).containsExactly("dummy");
        assertThat(cluster.agents().startedOn("witness")).isEmpty();
        ClusterStatus status = cluster.status("node2");
        assertThat(status.quorate()).isTrue();
        assertThat(status.coordinator()).isEqualTo("node1");
        assertThat(status.resources()).filteredOn(r -> r.id().equals("vip"))
                .extracting(ResourceStatus::summary).containsExactly("Started node1");
        String text = CrmMonRenderer.render(status, cluster.now());
        assertThat(text).contains("Current DC: node1 - partition with quorum")
                .contains("Online: [ node1 node2 witness ]")
                .contains("* Resource Group: g-iscsi:")
                .contains("vip\t(Dummy):\t Started node1");
        assertThat(List.copyOf(cluster.agents().log())).doesNotContain("node1 stop vip");
    }
}
