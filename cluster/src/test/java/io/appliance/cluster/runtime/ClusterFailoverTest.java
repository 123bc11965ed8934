package io.appliance.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.fence.FenceOutcome;
import io.appliance.cluster.kit.FakeFenceDevice;
import io.appliance.cluster.kit.InMemoryCluster;
import io.appliance.cluster.kit.TestClusters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterFailoverTest {

    private static final Duration SETTLE = Duration.ofSeconds(3);

    private static InMemoryCluster started(TestClusters.Builder builder, boolean device) {
        if (device) {
            builder.fenceDevice("ipmi", List.of("node1", "node2"));
        }
        InMemoryCluster cluster = new InMemoryCluster(builder.build());
        if (device) {
            cluster.addFenceDevice("ipmi", Set.of("node1", "node2"));
        }
        cluster.start();
        cluster.advance(SETTLE);
        assertThat(cluster.agents().startedOn("node1")).containsAll(TestClusters.GROUP);
        cluster.agents().clearLog();
        return cluster;
    }

    @Test
    void crashOfTheActiveNodeIsFencedThenTheGroupStartsOnTheSurvivorInOrder() {
        InMemoryCluster cluster = new InMemoryCluster(TestClusters.builder().fenceDevice("ipmi",
                List.of("node1", "node2")).build());
        FakeFenceDevice device = cluster.addFenceDevice("ipmi", Set.of("node1", "node2"));
        cluster.start();
        cluster.advance(SETTLE);
        cluster.agents().clearLog();

        cluster.crash("node1");
        Duration took = cluster.advanceUntil(Duration.ofSeconds(10), () -> cluster.groupOn("node2"));

        assertThat(device.fenced()).contains("node1");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(cluster.agents().log("node2", "start")).containsExactlyElementsOf(TestClusters.GROUP);
        ClusterStatus status = cluster.status("node2");
        assertThat(status.coordinator()).isEqualTo("node2");
        assertThat(status.nodes()).filteredOn(n -> n.name().equals("node1"))
                .extracting(NodeStatus::state, NodeStatus::detail).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("offline", "fenced"));
        assertThat(status.fencing()).extracting(FenceRecord::node, FenceRecord::outcome)
                .contains(org.assertj.core.groups.Tuple.tuple("node1", FenceOutcome.SUCCESS));
        assertThat(CrmMonRenderer.render(status, cluster.now())).contains("OFFLINE: [ node1 ]");
        cluster.advance(Duration.ofSeconds(1));
        ClusterStatus followerView = cluster.status("witness");
        assertThat(followerView.coordinator()).isEqualTo("node2");
        assertThat(followerView.fencing()).extracting(FenceRecord::node, FenceRecord::outcome)
                .contains(org.assertj.core.groups.Tuple.tuple("node1", FenceOutcome.SUCCESS));
        assertThat(followerView.nodes()).filteredOn(n -> n.name().equals("node1"))
                .extracting(NodeStatus::detail).containsExactly("fenced");
    }

    @Test
    void withoutFenceDeviceTheSurvivorWaitsForTheWatchdogTimeout() {
        InMemoryCluster cluster = started(TestClusters.builder(), false);

        cluster.crash("node1");
        cluster.runQueued();
        cluster.advance(Duration.ofSeconds(5).minusMillis(1));

        assertThat(cluster.agents().log("node2", "start")).isEmpty();
        assertThat(cluster.status("node2").nodes()).filteredOn(n -> n.name().equals("node1"))
                .extracting(NodeStatus::state).containsExactly("UNCLEAN (offline)");
        assertThat(cluster.status("node2").resources()).filteredOn(r -> r.id().equals("block"))
                .extracting(ResourceStatus::explanation).first().asString().contains("node1 is UNCLEAN");
        assertThat(cluster.status("witness").nodes()).filteredOn(n -> n.name().equals("node1"))
                .extracting(NodeStatus::state).containsExactly("UNCLEAN (offline)");
        assertThat(cluster.status("witness").resources()).filteredOn(r -> r.id().equals("block"))
                .extracting(ResourceStatus::explanation).first().asString().contains("node1 is UNCLEAN");

        cluster.advance(Duration.ofMillis(1));
        assertThat(cluster.groupOn("node2")).isTrue();
        assertThat(cluster.agents().log("node2", "start")).containsExactlyElementsOf(TestClusters.GROUP);
    }

    @Test
    void anIsolatedActiveNodeStopsEverythingBeforeTheOthersStart() {
        InMemoryCluster cluster = started(TestClusters.builder(), false);
        Instant cut = cluster.now();

        cluster.isolate("node1");
        Instant node1Empty = null;
        Instant node2Started = null;
        while (node2Started == null) {
            cluster.advance(Duration.ofMillis(125));
            if (node1Empty == null && cluster.agents().startedOn("node1").isEmpty()) {
                node1Empty = cluster.now();
            }
            if (!cluster.agents().log("node2", "start").isEmpty()) {
                node2Started = cluster.now();
            }
            assertThat(Duration.between(cut, cluster.now())).isLessThan(Duration.ofSeconds(20));
        }

        assertThat(node1Empty).isNotNull();
        assertThat(node1Empty).isBeforeOrEqualTo(cut.plus(Duration.ofSeconds(4)));
        assertThat(node2Started).isAfter(cut.plus(Duration.ofSeconds(4)));
        cluster.advance(Duration.ofSeconds(1));
        assertThat(cluster.groupOn("node2")).isTrue();
        assertThat(cluster.status("node1").quorate()).isFalse();
        assertThat(cluster.selfFenced()).isEmpty();

        cluster.heal();
        cluster.advance(Duration.ofSeconds(5));
        assertThat(cluster.status("node1").quorate()).isTrue();
        assertThat(cluster.status("node1").nodes()).extracting(NodeStatus::state).containsOnly("online");
    }

    @Test
    void theLeaseStopsAnIsolatedNodeEvenWhileItsViewIsUnchanged() {
        TestClusters.Builder builder = TestClusters.builder();
        InMemoryCluster cluster = new InMemoryCluster(builder.build());
        cluster.failureDetection(Duration.ofSeconds(10));
        cluster.start();
        cluster.advance(SETTLE);
        cluster.agents().clearLog();
        Instant cut = cluster.now();

        cluster.isolate("node1");
        cluster.advance(Duration.ofMillis(2125));

        assertThat(cluster.view("node1").orElseThrow().members()).hasSize(3);
        assertThat(cluster.status("node1").quorate()).isFalse();
        assertThat(cluster.agents().startedOn("node1")).isEmpty();
        assertThat(cluster.agents().log("node2", "start")).isEmpty();
        cluster.advanceUntil(Duration.ofSeconds(20), () -> cluster.groupOn("node2"));
        assertThat(cluster.now()).isAfterOrEqualTo(cut.plus(Duration.ofSeconds(15)));
    }

    @Test
    void anIsolatedNodeThatCannotStopSelfFences() {
        InMemoryCluster cluster = started(TestClusters.builder(), false);
        cluster.agents().hang("node1", "vip", "stop");

        cluster.isolate("node1");
        cluster.advance(Duration.ofSeconds(4).plusMillis(250));

        assertThat(cluster.selfFenced()).hasSize(1).first().asString().startsWith("node1");
        assertThat(cluster.alive("node1")).isFalse();
        cluster.advanceUntil(Duration.ofSeconds(10), () -> cluster.groupOn("node2"));
    }

    @Test
    void anAdminChangeDuringAFailoverIsAppliedByTheNewCoordinator() {
        InMemoryCluster cluster = started(TestClusters.builder(), false);

        cluster.crash("node1");
        cluster.advance(Duration.ofSeconds(1));
        cluster.runtime("witness").requestAdminChange(
                new AdminChange(AdminChange.Kind.BAN, "g-iscsi", "node2", false, "ban-1"));
        cluster.advance(Duration.ofSeconds(6));

        assertThat(cluster.runtime("witness").appliedAdminRequest("ban-1")).isPresent();
        assertThat(cluster.agents().startedOn("node2")).doesNotContainAnyElementsOf(TestClusters.GROUP);

        cluster.runtime("node2").requestAdminChange(
                new AdminChange(AdminChange.Kind.CLEAR, "g-iscsi", null, false, "clear-1"));
        cluster.advance(Duration.ofSeconds(1));
        assertThat(cluster.groupOn("node2")).isTrue();
    }

    @Test
    void aRejoiningNodeWithAnOutdatedDiskIsNotChosen() {
        InMemoryCluster cluster = started(TestClusters.builder(), true);

        cluster.crash("node1");
        cluster.advanceUntil(Duration.ofSeconds(10), () -> cluster.groupOn("node2"));
        cluster.setAttribute("node1", "replicated-disk:r0", "Outdated");
        cluster.restart("node1");
        cluster.advance(Duration.ofSeconds(5));

        assertThat(cluster.groupOn("node2")).isTrue();
        assertThat(cluster.agents().startedOn("node1")).doesNotContainAnyElementsOf(TestClusters.GROUP);
        assertThat(cluster.status("node1").resources()).filteredOn(r -> r.id().equals("disk"))
                .extracting(ResourceStatus::explanation).first().asString().contains("Outdated");

        cluster.setAttribute("node1", "replicated-disk:r0", "UpToDate");
        cluster.advance(Duration.ofSeconds(3));
        assertThat(cluster.groupOn("node1")).isTrue();
    }

    @Test
    void aRestartedNodeWithStrayResourcesDoesNotPullTheGroupOffTheNodeThatRunsIt() {
        InMemoryCluster cluster = started(TestClusters.builder().stickiness(200), true);
        cluster.crash("node1");
        cluster.advanceUntil(Duration.ofSeconds(10), () -> cluster.groupOn("node2"));
        assertThat(cluster.groupOn("node2")).isTrue();
        cluster.agents().clearLog();

        // like portblock's state file surviving a reboot: node1's probe finds part of the group running, and
        // its stop takes long enough for node1 to join while it still reports it
        cluster.agents().stray("node1", "block");
        cluster.agents().hang("node1", "block", "stop");
        cluster.checkInvariant(false); // the stray copy and the running one coexist until the stray stops
        cluster.restart("node1");
        cluster.advance(Duration.ofSeconds(2));
        assertThat(cluster.view("node2").orElseThrow().members()).contains("node1");
        cluster.agents().unhang("node1", "block", "stop");
        cluster.advance(Duration.ofSeconds(10));
        cluster.checkInvariant(true);
        cluster.advance(Duration.ofSeconds(2));

        assertThat(cluster.groupOn("node2")).isTrue();
        assertThat(cluster.agents().log("node2", "stop")).as("the running copy is kept").isEmpty();
    }

    @Test
    void aRejoiningNodeIsPlacedOnWhatItReportsAfterRejoiningNotOnItsLastReportBeforeTheCrash() {
        InMemoryCluster cluster = started(TestClusters.builder().stickiness(200), true);
        cluster.crash("node1");
        cluster.advanceUntil(Duration.ofSeconds(10), () -> cluster.groupOn("node2"));
        cluster.agents().clearLog();

        // node1's first reports after the restart are late: the others see it join with only the report it
        // sent before the crash (every member STARTED there), which must not count as running there now
        cluster.holdMessages(envelope -> envelope.from().equals("node1") && envelope.message() instanceof NodeReport);
        cluster.restart("node1");
        cluster.advance(Duration.ofSeconds(1));
        assertThat(cluster.view("node2").orElseThrow().members()).contains("node1");
        cluster.holdMessages(envelope -> false);
        assertThat(cluster.releaseHeld()).isPositive();
        cluster.advance(Duration.ofSeconds(5));

        assertThat(cluster.groupOn("node2")).isTrue();
        assertThat(cluster.agents().log("node2", "stop")).as("stickiness keeps the group where it runs").isEmpty();
        assertThat(cluster.agents().log("node1", "start")).isEmpty();
    }

    @Test
    void aCoordinatorAfterAMergeDecidesNothingUntilEveryMemberReported() {
        // no fence device: the isolated node1 stops its resources, stays up, and node2 takes over after the watchdog
        InMemoryCluster cluster = started(TestClusters.builder().stickiness(200), false);
        cluster.isolate("node1");
        cluster.advanceUntil(Duration.ofSeconds(15), () -> cluster.groupOn("node2"));
        cluster.agents().clearLog();

        // the healed view is led by node1 (the oldest, as a JGroups merge may choose); node2's reports are late
        cluster.holdMessages(envelope -> envelope.from().equals("node2") && envelope.message() instanceof NodeReport);
        cluster.heal();
        cluster.advance(Duration.ofSeconds(3));
        assertThat(cluster.view("node2").orElseThrow().coordinator()).isEqualTo("node1");
        assertThat(cluster.agents().log("node2", "stop")).as("nothing decided without node2's facts").isEmpty();
        cluster.holdMessages(envelope -> false);
        assertThat(cluster.releaseHeld()).isPositive();
        cluster.advance(Duration.ofSeconds(5));

        assertThat(cluster.groupOn("node2")).isTrue();
        assertThat(cluster.agents().log("node2", "stop")).as("stickiness keeps the group where it runs").isEmpty();
    }
}
