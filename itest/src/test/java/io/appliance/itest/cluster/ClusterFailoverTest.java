package io.appliance.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.ApplianceCluster;
import io.appliance.itest.harness.BackingFiles;
import io.appliance.itest.harness.ClusterConfigFile;
import io.appliance.itest.harness.ClusterLab;
import io.appliance.itest.harness.ClusterNode;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ReplicatedPair;
import io.appliance.itest.harness.ReplicationClient;
import io.appliance.itest.harness.RepositoryLayout;
import io.appliance.itest.harness.SequencedBlocks;
import io.appliance.itest.harness.ToolResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeat's classic failover, end to end: the storage group runs on node1, a client in its own
 * namespace streams sequenced writes to the VIP, node1's JVM is killed with SIGKILL, the fence agent
 * confirms it off, and node2 takes the group: the VIP serves the same LUN (same VPD serial and NAA
 * id) with every acknowledged write intact. node1, restarted, resyncs and the group stays on node2
 * (stickiness 200 beats the location score 100). The timeline goes to
 * {@code itest/target/cluster-reports/failover.txt}.
 */
class ClusterFailoverTest {

    private static final Duration START_LIMIT = Duration.ofSeconds(45);
    private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(30);
    private static final Duration TOOL_LIMIT = Duration.ofSeconds(30);
    private static final long FIRST_BLOCK = 256;
    private static final long PROBE_BLOCK = 16;
    private static final int ACKNOWLEDGED_BEFORE_THE_KILL = 200;

    @RegisterExtension
    final NetworkLabExtension labs = new NetworkLabExtension();

    @Test
    void killOfTheActiveNodeMovesTheServiceWithEveryAcknowledgedWrite(@TempDir Path scratch) throws Exception {
        ClusterLab.assumeUsable();
        StringBuilder report = new StringBuilder();
        try (ApplianceCluster cluster = ApplianceCluster.create(ClusterConfigFile.Spec.storage().withFenceDevice())) {
            cluster.nodes().forEach(labs::watch);
            ClusterNode node1 = cluster.node(ClusterLab.NODE1);
            ClusterNode node2 = cluster.node(ClusterLab.NODE2);
            ClusterNode witness = cluster.node(ClusterLab.WITNESS);
            cluster.startAll();
            cluster.establishReplication(START_LIMIT);
            cluster.settleOn(witness, ClusterConfigFile.STORAGE_GROUP, ClusterLab.NODE1, START_LIMIT);
            ToolResult serialBefore = cluster.inquiry("0x80", TOOL_LIMIT);
            ToolResult naaBefore = cluster.inquiry("0x83", TOOL_LIMIT);
            assertThat(serialBefore.succeeded()).as(serialBefore.describe()).isTrue();
            assertThat(naaBefore.succeeded()).as(naaBefore.describe()).isTrue();
            report.append("== before the kill (node2's view)\n").append(node2.statusTextOrWhy());

            long runId = ThreadLocalRandom.current().nextLong();
            List<Long> acknowledged;
            long killedAt;
            try (ReplicatedPair.SequenceWriter writer = cluster.startSequenceWriter(runId, FIRST_BLOCK, 1_000_000,
                    scratch.resolve("writer.log"))) {
                writer.awaitAcknowledged(ACKNOWLEDGED_BEFORE_THE_KILL, Duration.ofSeconds(30));
                killedAt = System.nanoTime();
                node1.kill();
                assertThat(writer.awaitExit(Duration.ofSeconds(30))).as("the writer notices the dead portal: %s", writer.tail())
                        .isTrue();
                acknowledged = writer.acknowledged();
            }
            report.append("== during the failover: the first status of the witness without node1 online\n")
                    .append(firstStatusWithout(witness, ClusterLab.NODE1, Duration.ofSeconds(10)));
            Duration outage = cluster.awaitVipServing(killedAt, PROBE_BLOCK, FAILOVER_LIMIT);
            report.append("== first 4 KiB write+read on the VIP ").append(outage.toMillis()).append(" ms after kill -9\n");

            JsonNode status = cluster.awaitStartedOn(node2, ClusterConfigFile.STORAGE_GROUP, ClusterLab.NODE2, FAILOVER_LIMIT);
            report.append("== after the failover\n").append(node2.statusTextOrWhy());
            assertThat(status.path("fencing").toString()).as("node1 was fenced: %s", status).contains(ClusterLab.NODE1);
            assertThat(node2.replication(ClusterConfigFile.RESOURCE).status().path("role").asText()).isEqualTo("Primary");
            assertThat(cluster.lab().holdsAddress(ClusterLab.NODE2, "lan0", cluster.lab().vip())).isTrue();
            ToolResult serialAfter = cluster.inquiry("0x80", TOOL_LIMIT);
            ToolResult naaAfter = cluster.inquiry("0x83", TOOL_LIMIT);
            assertThat(serialAfter.stdout()).as(serialAfter.describe()).isEqualTo(serialBefore.stdout());
            assertThat(naaAfter.stdout()).as(naaAfter.describe()).isEqualTo(naaBefore.stdout());

            Path lun = scratch.resolve("vip-lun.raw");
            ToolResult copy = cluster.readLunThroughVip(lun, TOOL_LIMIT);
            assertThat(copy.succeeded()).as(copy.describe()).isTrue();
            List<Long> missing = new ArrayList<>();
            for (long sequence : acknowledged) {
                if (!SequencedBlocks.holds(BackingFiles.readBlock(lun, (FIRST_BLOCK + sequence) * SequencedBlocks.BLOCK_SIZE),
                        runId, sequence)) {
                    missing.add(sequence);
                }
            }
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_THE_KILL);
            assertThat(missing).as("acknowledged writes (of %d) missing or torn behind the VIP", acknowledged.size()).isEmpty();

            node1.start();
            node2.replication(ClusterConfigFile.RESOURCE).awaitStatus("in sync with the restarted node1", START_LIMIT,
                    ReplicationClient::inSync);
            // seen from the witness: node1's own status says "online" before it has even joined
            witness.awaitStatus("node1 online again", START_LIMIT,
                    s -> ApplianceCluster.nodeState(s, ClusterLab.NODE1).equals("online"));
            // stickiness 200 outweighs node1's location 100: a wrong failback would show within a few decisions
            // (keepalive 500 ms); it once came from node1's report of before the kill counting as running there
            cluster.assertStaysOn(witness, ClusterConfigFile.STORAGE_GROUP, ClusterLab.NODE2, Duration.ofSeconds(3));
            report.append("== node1 back, resynced\n").append(witness.statusTextOrWhy());
        } finally {
            Path reports = Files.createDirectories(RepositoryLayout.itestOutputDirectory().resolve("cluster-reports"));
            Files.writeString(reports.resolve("failover.txt"), report, StandardCharsets.UTF_8);
        }
    }

    /** The crm_mon text of {@code observer} once {@code node} is no longer online (or the last one seen after {@code limit}). */
    private static String firstStatusWithout(ClusterNode observer, String node, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        String text = observer.statusTextOrWhy();
        while (System.nanoTime() < deadline && onlineLine(text).contains(" " + node + " ")) {
            Thread.sleep(100);
            text = observer.statusTextOrWhy();
        }
        return text;
    }

    private static String onlineLine(String text) {
        return text.lines().filter(line -> line.contains("Online: [")).findFirst().orElse("");
    }
}
