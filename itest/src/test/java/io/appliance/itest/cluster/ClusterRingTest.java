package io.appliance.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.ApplianceCluster;
import io.appliance.itest.harness.ClusterConfigFile;
import io.appliance.itest.harness.ClusterLab;
import io.appliance.itest.harness.ClusterNode;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two heartbeat rings (Heartbeat's second {@code ucast} medium): node1 runs a group; cutting node1's ring0 link
 * moves nothing (each side logs that ring0 went silent and that ring1 keeps the peer, and {@code appliance cluster
 * rings} shows ring 0 FAULTY, ring 1 without faults), restoring it is logged and shown too;
 * cutting both rings then does move the group, so the first cut was a real one that ring1 alone bridged.
 */
class ClusterRingTest {

    private static final Duration START_LIMIT = Duration.ofSeconds(45);
    private static final Duration LOG_LIMIT = Duration.ofSeconds(15);
    private static final String GROUP = "g";

    @RegisterExtension
    final NetworkLabExtension labs = new NetworkLabExtension();

    @Test
    void aCutRing0MovesNothingWhileRing1CarriesTheHeartbeat() throws Exception {
        ClusterLab.assumeUsable();
        ClusterConfigFile.Spec spec = ClusterConfigFile.Spec.light().withRing1()
                .dummyGroup(GROUP, "d", ClusterLab.NODE1, 0);
        try (ApplianceCluster cluster = ApplianceCluster.create(spec)) {
            cluster.nodes().forEach(labs::watch);
            ClusterLab lab = cluster.lab();
            ClusterNode node1 = cluster.node(ClusterLab.NODE1);
            ClusterNode witness = cluster.node(ClusterLab.WITNESS);
            cluster.startAll();
            cluster.settleOn(witness, GROUP, ClusterLab.NODE1, START_LIMIT);

            assertThat(rings(node1)).contains("ring 0 active with no faults", "ring 1 active with no faults");
            assertThat(logOf(node1)).as("no ring fault before the cut").doesNotContain("silent for");
            lab.cut(ClusterLab.NODE1, "hb");
            awaitRings(node1, "ring 0 FAULTY: node2 silent for [0-9.]+ s, witness silent for [0-9.]+ s");
            assertThat(rings(node1)).contains("ring 1 active with no faults");
            awaitLog(node1, "ring0 to node2 silent");
            awaitLog(witness, "ring0 to node1 silent");
            // three deadtimes after ring0 went silent: one ring alone would have lost node1 long ago
            cluster.assertStaysOn(witness, GROUP, ClusterLab.NODE1, ClusterConfigFile.DEADTIME.multipliedBy(3));
            assertThat(ApplianceCluster.nodeState(witness.status(), ClusterLab.NODE1)).isEqualTo("online");
            assertThat(logOf(node1)).doesNotContain("ring1 to node2 silent");

            lab.restore(ClusterLab.NODE1, "hb");
            awaitRings(node1, "ring 0 active with no faults");
            assertThat(rings(node1)).contains("ring 1 active with no faults");
            awaitLog(node1, "ring0 to node2 carries traffic again");

            lab.cut(ClusterLab.NODE1, "hb");
            lab.cut(ClusterLab.NODE1, "hb1");
            cluster.awaitStartedOn(witness, GROUP, ClusterLab.NODE2, START_LIMIT);
            lab.restore(ClusterLab.NODE1, "hb");
            lab.restore(ClusterLab.NODE1, "hb1");
        }
    }

    /** {@code appliance cluster rings} on the node: corosync-cfgtool -s's view of the rings. */
    private static String rings(ClusterNode node) throws IOException, InterruptedException {
        ToolResult result = node.cli("cluster", "rings");
        assertThat(result.succeeded()).as(result.describe()).isTrue();
        return result.stdout();
    }

    /** Polls {@code appliance cluster rings} on the node until its output matches {@code pattern}. */
    private static void awaitRings(ClusterNode node, String pattern) throws IOException, InterruptedException {
        java.util.regex.Pattern wanted = java.util.regex.Pattern.compile(pattern);
        long deadline = System.nanoTime() + LOG_LIMIT.toNanos();
        String last = rings(node);
        while (!wanted.matcher(last).find()) {
            assertThat(System.nanoTime()).as("%s: cluster rings shows /%s/ within %s; last:%n%s", node.name(), pattern,
                    LOG_LIMIT, last).isLessThan(deadline);
            Thread.sleep(250);
            last = rings(node);
        }
    }

    private static void awaitLog(ClusterNode node, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LOG_LIMIT.toNanos();
        while (!logOf(node).contains(text)) {
            assertThat(System.nanoTime()).as("%s logs \"%s\" within %s; log tail:%n%s", node.name(), text, LOG_LIMIT,
                    node.logTail(30)).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static String logOf(ClusterNode node) throws IOException {
        return Files.exists(node.logFile()) ? Files.readString(node.logFile()) : "";
    }
}
