package io.appliance.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.ApplianceCluster;
import io.appliance.itest.harness.ClusterConfigFile;
import io.appliance.itest.harness.ClusterLab;
import io.appliance.itest.harness.ClusterNode;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ToolResult;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPC-4 persistent reservations survive a failover (issue 6): through the VIP, initiator A registers and takes a
 * Write Exclusive reservation, initiator B registers; B's WRITE gets RESERVATION CONFLICT. After kill -9 of node1,
 * node2 serves the LUN with the same keys, generation and reservation: B still gets RESERVATION CONFLICT and A
 * still writes. COMPARE AND WRITE (ESXi's heartbeat) is right at once on node2: the holder's compare of the value it
 * wrote through node1 succeeds there, a stale compare gets MISCOMPARE. Each initiator logs in with a fixed ISID, so
 * its re-login after the failover is the same I_T nexus.
 */
class ClusterReservationFailoverTest {

    private static final Duration START_LIMIT = Duration.ofSeconds(45);
    private static final Duration PROBE_LIMIT = Duration.ofSeconds(15);
    private static final String HOLDER = "iqn.2026-11.io.appliance.itest:pr-holder";
    private static final String OTHER = "iqn.2026-11.io.appliance.itest:pr-other";
    private static final int QUALIFIER = 0x21;
    private static final String HOLDER_KEY = "a1a1";
    private static final String OTHER_KEY = "b2b2";

    @RegisterExtension
    final NetworkLabExtension labs = new NetworkLabExtension();

    @Test
    void registrationsAndTheReservationAreEnforcedTheSameAfterAFailover() throws Exception {
        ClusterLab.assumeUsable();
        try (ApplianceCluster cluster = ApplianceCluster.create(ClusterConfigFile.Spec.storage())) {
            cluster.nodes().forEach(labs::watch);
            ClusterNode witness = cluster.node(ClusterLab.WITNESS);
            cluster.startAll();
            cluster.establishReplication(START_LIMIT);
            cluster.settleOn(witness, ClusterConfigFile.STORAGE_GROUP, ClusterLab.NODE1, START_LIMIT);
            awaitAnswer(cluster, OTHER, "read-keys", null, "generation ");

            assertThat(probe(cluster, HOLDER, "register", HOLDER_KEY)).isEqualTo("registered");
            assertThat(probe(cluster, HOLDER, "reserve", HOLDER_KEY)).isEqualTo("reserved");
            assertThat(probe(cluster, OTHER, "register", OTHER_KEY)).isEqualTo("registered");
            assertThat(probe(cluster, OTHER, "write", null)).as("RESERVATION CONFLICT").isEqualTo("status 0x18");
            assertThat(probe(cluster, HOLDER, "write", null)).isEqualTo("status 0x00");
            assertThat(probe(cluster, HOLDER, "caw", "00:a1")).isEqualTo("written");
            String keysBefore = probe(cluster, OTHER, "read-keys", null);
            assertThat(keysBefore).endsWith(" keys " + HOLDER_KEY + "," + OTHER_KEY);
            assertThat(probe(cluster, OTHER, "read-reservation", null)).isEqualTo("reservation " + HOLDER_KEY + " type 1");

            cluster.node(ClusterLab.NODE1).kill();
            cluster.awaitStartedOn(witness, ClusterConfigFile.STORAGE_GROUP, ClusterLab.NODE2, START_LIMIT);
            String keysAfter = awaitAnswer(cluster, OTHER, "read-keys", null, "generation ");

            assertThat(keysAfter).as("keys and generation on node2").isEqualTo(keysBefore);
            assertThat(probe(cluster, OTHER, "read-reservation", null)).isEqualTo("reservation " + HOLDER_KEY + " type 1");
            assertThat(probe(cluster, OTHER, "write", null)).as("RESERVATION CONFLICT on node2").isEqualTo("status 0x18");
            assertThat(probe(cluster, HOLDER, "caw", "00:b2")).as("stale compare on node2").isEqualTo("miscompare");
            assertThat(probe(cluster, HOLDER, "caw", "a1:b2")).isEqualTo("written");
            assertThat(probe(cluster, OTHER, "caw", "b2:c3")).as("COMPARE AND WRITE under Write Exclusive")
                    .isEqualTo("status 0x18");
            assertThat(probe(cluster, HOLDER, "write", null)).isEqualTo("status 0x00");
        }
    }

    private static String probe(ApplianceCluster cluster, String initiator, String action, String key)
            throws IOException, InterruptedException {
        ToolResult result = cluster.reservationThroughVip(initiator, QUALIFIER, action, key, PROBE_LIMIT);
        assertThat(result.succeeded()).as("%s %s: %s", initiator, action, result.describe()).isTrue();
        return result.stdout().strip();
    }

    /** Repeats a probe until it answers with {@code prefix} (the LUN serves again through the VIP). */
    private static String awaitAnswer(ApplianceCluster cluster, String initiator, String action, String key,
            String prefix) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        ToolResult last;
        do {
            last = cluster.reservationThroughVip(initiator, QUALIFIER, action, key, PROBE_LIMIT);
            if (last.succeeded() && last.stdout().strip().startsWith(prefix)) {
                return last.stdout().strip();
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(initiator + " " + action + " never answered \"" + prefix + "...\" through the VIP; last: "
                + last.describe());
    }
}
