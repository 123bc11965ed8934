package io.appliance.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.ApplianceCluster;
import io.appliance.itest.harness.ClusterConfigFile;
import io.appliance.itest.harness.ClusterLab;
import io.appliance.itest.harness.ClusterNode;
import io.appliance.itest.harness.ClusterSampler;
import io.appliance.itest.harness.NetworkLabExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No fence device, watchdog 5 s: node1 (running the group) loses its LAN and heartbeat links (the
 * replication link stays, so only the cluster can keep the two Primaries apart). The minority node1
 * must stop (VIP gone, Secondary) before the majority (node2 + witness) starts anything: samplers on
 * both nodes every 50 ms prove the order. Restored links: node1 rejoins and the group stays on node2.
 */
class ClusterPartitionTest {

    private static final Duration START_LIMIT = Duration.ofSeconds(45);
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    final NetworkLabExtension labs = new NetworkLabExtension();

    @Test
    void minorityStopsBeforeMajorityStarts() throws Exception {
        ClusterLab.assumeUsable();
        try (ApplianceCluster cluster = ApplianceCluster.create(ClusterConfigFile.Spec.storage())) {
            cluster.nodes().forEach(labs::watch);
            ClusterLab lab = cluster.lab();
            ClusterNode node1 = cluster.node(ClusterLab.NODE1);
            ClusterNode node2 = cluster.node(ClusterLab.NODE2);
            cluster.startAll();
            cluster.establishReplication(START_LIMIT);
            cluster.settleOn(node2, ClusterConfigFile.STORAGE_GROUP, ClusterLab.NODE1, START_LIMIT);

            List<ClusterSampler.Sample> first;
            List<ClusterSampler.Sample> second;
            long cutAt;
            try (ClusterSampler sampler1 = ClusterSampler.start(lab, node1);
                    ClusterSampler sampler2 = ClusterSampler.start(lab, node2)) {
                long sampled = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (sampler1.samples().stream().noneMatch(s -> s.holdsVip() && s.primary())) {
                    assertThat(System.nanoTime()).as("node1 sampled holding the service before the cut: %s",
                            sampler1.samples()).isLessThan(sampled);
                    Thread.sleep(50);
                }
                cutAt = System.nanoTime();
                lab.cut(ClusterLab.NODE1, "lan");
                lab.cut(ClusterLab.NODE1, "hb");
                cluster.awaitStartedOn(node2, ClusterConfigFile.STORAGE_GROUP, ClusterLab.NODE2, TAKEOVER_LIMIT);
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (sampler2.samples().stream().noneMatch(s -> s.startNanos() > cutAt && s.holdsVip() && s.primary())
                        || sampler1.samples().get(sampler1.samples().size() - 1).holdsEither()) {
                    assertThat(System.nanoTime()).as("node2 sampled holding VIP+Primary, node1 neither; last samples %s %s",
                            tail(sampler1), tail(sampler2)).isLessThan(deadline);
                    Thread.sleep(100);
                }
                first = sampler1.samples();
                second = sampler2.samples();
            }
            assertThat(first.stream().anyMatch(s -> s.startNanos() < cutAt && s.holdsVip() && s.primary()))
                    .as("node1 held the service before the cut: %s", first.subList(0, Math.min(5, first.size()))).isTrue();
            ClusterSampler.Sample lastOfNode1 = first.stream().filter(ClusterSampler.Sample::holdsEither)
                    .reduce((a, b) -> b).orElseThrow();
            ClusterSampler.Sample firstOfNode2 = second.stream().filter(ClusterSampler.Sample::holdsEither)
                    .findFirst().orElseThrow();
            assertThat(lastOfNode1.endNanos()).as("node1's last holding sample %s ends before node2's first %s",
                    lastOfNode1, firstOfNode2).isLessThan(firstOfNode2.startNanos());
            for (ClusterSampler.Sample held2 : second) {
                if (held2.holdsEither()) {
                    assertThat(first).as("a node1 sample overlapping %s while node1 held", held2)
                            .noneMatch(held1 -> held1.holdsEither() && held1.startNanos() <= held2.endNanos()
                                    && held2.startNanos() <= held1.endNanos());
                }
            }
            System.out.printf("partition: node1 released %d ms after the cut, node2 took over %d ms after the cut%n",
                    (lastOfNode1.endNanos() - cutAt) / 1_000_000, (firstOfNode2.startNanos() - cutAt) / 1_000_000);

            lab.restore(ClusterLab.NODE1, "lan");
            lab.restore(ClusterLab.NODE1, "hb");
            if (!node1.isAlive()) {
                node1.start(); // it self-fenced (halted) when its stop did not finish in time: a restart is its reboot
            }
            node2.awaitStatus("node1 back online", START_LIMIT,
                    s -> ApplianceCluster.nodeState(s, ClusterLab.NODE1).equals("online"));
            cluster.assertStaysOn(node2, ClusterConfigFile.STORAGE_GROUP, ClusterLab.NODE2, Duration.ofSeconds(3));
        }
    }

    private static List<ClusterSampler.Sample> tail(ClusterSampler sampler) {
        List<ClusterSampler.Sample> all = sampler.samples();
        return all.subList(Math.max(0, all.size() - 3), all.size());
    }
}
