package io.appliance.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.ApplianceCluster;
import io.appliance.itest.harness.ClusterConfigFile;
import io.appliance.itest.harness.ClusterLab;
import io.appliance.itest.harness.ClusterNode;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ReplicationClient;
import io.appliance.itest.harness.RepositoryLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failover times, not part of the suite (the class name matches no surefire include; run it with
 * {@code itest/bench/failover.sh} or {@code -Dtest=FailoverBenchmark -Dfailover.runs=N}). One lab;
 * N times: {@code kill -9} of the node running the storage group, time to the first 4 KiB
 * write+read through the VIP (each probe a new process and login, so an early one waits in the
 * client's TCP SYN back-off while the VIP moves) and, watched from the witness at the same time
 * (status every 200 ms), time until the group is started on the survivor; restart of the killed node, wait until it is UpToDate again; then N
 * clean {@code move}s between the nodes, timed the same way. Prints every time, the median and the
 * worst, and writes {@code itest/target/cluster-reports/failover-bench.txt}.
 */
class FailoverBenchmark {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final long PROBE_BLOCK = 16;

    @RegisterExtension
    final NetworkLabExtension labs = new NetworkLabExtension();

    @Test
    void failoverTimes() throws Exception {
        ClusterLab.assumeUsable();
        int runs = Integer.getInteger("failover.runs", 10);
        List<Long> kills = new ArrayList<>();
        List<Long> killsServerSide = new ArrayList<>();
        List<Long> moves = new ArrayList<>();
        ExecutorService observer = Executors.newSingleThreadExecutor();
        try (ApplianceCluster cluster = ApplianceCluster.create(ClusterConfigFile.Spec.storage().withFenceDevice())) {
            cluster.nodes().forEach(labs::watch);
            ClusterNode witness = cluster.node(ClusterLab.WITNESS);
            cluster.startAll();
            cluster.establishReplication(LIMIT);
            cluster.settleOn(witness, ClusterConfigFile.STORAGE_GROUP, ClusterLab.NODE1, LIMIT);
            String active = ClusterLab.NODE1;
            for (int run = 0; run < runs; run++) {
                String survivor = other(active);
                long killedAt = System.nanoTime();
                cluster.node(active).kill();
                // server side, watched from the witness while the client probes: the group started on the survivor
                Future<Long> started = observer.submit(() -> {
                    cluster.awaitStartedOn(witness, ClusterConfigFile.STORAGE_GROUP, survivor, LIMIT);
                    return Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
                });
                kills.add(cluster.awaitVipServing(killedAt, PROBE_BLOCK, LIMIT).toMillis());
                killsServerSide.add(started.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS));
                cluster.node(active).start();
                cluster.node(survivor).replication(ClusterConfigFile.RESOURCE).awaitStatus("in sync", LIMIT,
                        ReplicationClient::inSync);
                System.out.printf("kill %d: %d ms (group started on %s after %d ms)%n", run + 1, kills.get(run), survivor,
                        killsServerSide.get(run));
                active = survivor;
            }
            for (int run = 0; run < runs; run++) {
                String target = other(active);
                long movedAt = System.nanoTime();
                assertThat(witness.post("/cluster/resources/" + ClusterConfigFile.STORAGE_GROUP + "/move",
                        Map.of("node", target)).status()).isEqualTo(200);
                cluster.awaitStartedOn(witness, ClusterConfigFile.STORAGE_GROUP, target, LIMIT);
                moves.add(cluster.awaitVipServing(movedAt, PROBE_BLOCK, LIMIT).toMillis());
                System.out.printf("move %d: %d ms%n", run + 1, moves.get(run));
                active = target;
            }
            assertThat(witness.post("/cluster/resources/" + ClusterConfigFile.STORAGE_GROUP + "/clear", null).status())
                    .isEqualTo(200);
        } finally {
            observer.shutdownNow();
            String report = "kill -9 -> first 4 KiB write+read on the VIP (ms): " + summary(kills) + "\n"
                    + "kill -9 -> group started on the survivor, seen by the witness (ms): " + summary(killsServerSide)
                    + "\n"
                    + "move -> first 4 KiB write+read on the VIP (ms): " + summary(moves) + "\n";
            System.out.print(report);
            Path reports = Files.createDirectories(RepositoryLayout.itestOutputDirectory().resolve("cluster-reports"));
            Files.writeString(reports.resolve("failover-bench.txt"), report, StandardCharsets.UTF_8);
        }
    }

    private static String other(String node) {
        return ClusterLab.NODE1.equals(node) ? ClusterLab.NODE2 : ClusterLab.NODE1;
    }

    private static String summary(List<Long> times) {
        if (times.isEmpty()) {
            return "none";
        }
        List<Long> sorted = times.stream().sorted().toList();
        return times + " median " + sorted.get(sorted.size() / 2) + " worst " + sorted.get(sorted.size() - 1);
    }
}
