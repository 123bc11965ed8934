package io.appliance.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.cluster.AuthKey;
import io.appliance.config.cluster.AuthMethod;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterProperties;
import io.appliance.config.cluster.ClusterTransportKind;
import io.appliance.config.cluster.FenceAction;
import io.appliance.config.cluster.FenceDeviceDefinition;
import io.appliance.config.cluster.FencingOptions;
import io.appliance.config.cluster.HeartbeatTiming;
import io.appliance.config.cluster.NoQuorumPolicy;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.QuorumMode;
import io.appliance.config.cluster.QuorumOptions;
import io.appliance.config.cluster.ResourceConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumCalculatorTest {

    private static final ResourceConfiguration NO_RESOURCES = new ResourceConfiguration(List.of(), List.of(),
            List.of(), List.of(), List.of(), ClusterProperties.defaults());

    private static ClusterDefinition definition(QuorumOptions quorum, FencingOptions fencing,
            ClusterNodeDefinition... nodes) {
        return new ClusterDefinition("c1", ClusterTransportKind.TCP, 7800, HeartbeatTiming.defaults(),
                new AuthKey(AuthMethod.SHA256, "secret-secret"), quorum, fencing, List.of(nodes), NO_RESOURCES);
    }

    private static ClusterNodeDefinition node(String name, NodeRole role, int votes, String address) {
        return new ClusterNodeDefinition(name, role, votes, List.of(address));
    }

    private static QuorumCalculator majority(ClusterNodeDefinition... nodes) {
        return new QuorumCalculator(definition(QuorumOptions.defaults(), FencingOptions.defaults(), nodes));
    }

    private static QuorumCalculator twoNode(boolean waitForAll) {
        FenceDeviceDefinition device = FenceDeviceDefinition.of("ipmi", "/usr/sbin/fence_ipmilan",
                List.of("node1", "node2"), Map.of());
        FencingOptions fencing = new FencingOptions(true, FenceAction.REBOOT, Duration.ofSeconds(5),
                Duration.ofSeconds(2), List.of(device));
        return new QuorumCalculator(definition(new QuorumOptions(QuorumMode.TWO_NODE, waitForAll, NoQuorumPolicy.STOP),
                fencing, node("node1", NodeRole.STORAGE, 1, "10.0.0.1"), node("node2", NodeRole.STORAGE, 1, "10.0.0.2")));
    }

    private static final QuorumCalculator THREE_NODES = majority(node("node1", NodeRole.STORAGE, 1, "10.0.0.1"),
            node("node2", NodeRole.STORAGE, 1, "10.0.0.2"), node("node3", NodeRole.STORAGE, 1, "10.0.0.3"));

    @Test
    void twoOfThreeIsAMajority() {
        QuorumState state = THREE_NODES.evaluate(Set.of("node1", "node2"), Set.of("node1", "node2"), false);
        assertThat(state.quorate()).isTrue();
        assertThat(state.votes()).isEqualTo(2);
        assertThat(state.neededVotes()).isEqualTo(2);
        assertThat(state.reason()).isEqualTo("2 of 3 votes, 2 needed");
    }

    @Test
    void oneOfThreeIsNot() {
        QuorumState state = THREE_NODES.evaluate(Set.of("node3"), Set.of("node3"), true);
        assertThat(state.quorate()).isFalse();
        assertThat(state.reason()).isEqualTo("1 of 3 votes, 2 needed");
    }

    @Test
    void unknownMembersHaveNoVote() {
        QuorumState state = THREE_NODES.evaluate(Set.of("node1", "intruder"), Set.of("node1", "intruder"), true);
        assertThat(state.quorate()).isFalse();
        assertThat(state.votes()).isEqualTo(1);
    }

    @Test
    void theWitnessVoteMakesTheMajorityOfTwoStorageNodes() {
        QuorumCalculator calculator = majority(node("node1", NodeRole.STORAGE, 1, "10.0.0.1"),
                node("node2", NodeRole.STORAGE, 1, "10.0.0.2"), node("witness", NodeRole.WITNESS, 1, "10.0.0.3"));
        assertThat(calculator.evaluate(Set.of("node2", "witness"), Set.of("node2", "witness"), false).quorate())
                .isTrue();
        assertThat(calculator.evaluate(Set.of("node1"), Set.of("node1"), false).quorate()).isFalse();
    }

    @Test
    void votesAreWeighted() {
        QuorumCalculator calculator = majority(node("node1", NodeRole.STORAGE, 2, "10.0.0.1"),
                node("node2", NodeRole.STORAGE, 1, "10.0.0.2"), node("node3", NodeRole.STORAGE, 1, "10.0.0.3"));
        QuorumState alone = calculator.evaluate(Set.of("node1"), Set.of("node1"), true);
        assertThat(alone.quorate()).isFalse();
        assertThat(alone.reason()).isEqualTo("2 of 4 votes, 3 needed");
        assertThat(calculator.evaluate(Set.of("node1", "node3"), Set.of("node1", "node3"), true).quorate()).isTrue();
    }

    @Test
    void anExpiredLeaseLosesQuorumWhileTheViewStillHasAMajority() {
        QuorumState state = THREE_NODES.evaluate(Set.of("node1", "node2", "node3"), Set.of("node1"), true);
        assertThat(state.quorate()).isFalse();
        assertThat(state.votes()).isEqualTo(3);
        assertThat(state.reason()).isEqualTo("3 of 3 votes, 2 needed; lease expired: heard 1 votes within deadtime");
    }

    @Test
    void leaseHoldersOutsideTheViewStillNeedAViewMajority() {
        QuorumState state = THREE_NODES.evaluate(Set.of("node1"), Set.of("node1", "node2", "node3"), true);
        assertThat(state.quorate()).isFalse();
    }

    @Test
    void twoNodeWithoutWaitForAllOneNodeIsEnough() {
        QuorumState state = twoNode(false).evaluate(Set.of("node2"), Set.of("node2"), false);
        assertThat(state.quorate()).isTrue();
        assertThat(state.neededVotes()).isEqualTo(1);
        assertThat(state.reason()).isEqualTo("1 of 2 votes, 1 needed");
    }

    @Test
    void twoNodeWithWaitForAllWaitsUntilBothWereSeen() {
        QuorumCalculator calculator = twoNode(true);
        QuorumState waiting = calculator.evaluate(Set.of("node1"), Set.of("node1"), false);
        assertThat(waiting.quorate()).isFalse();
        assertThat(waiting.reason()).contains("wait-for-all");
        assertThat(calculator.evaluate(Set.of("node1"), Set.of("node1"), true).quorate()).isTrue();
    }

    @Test
    void waitForAllAlsoHoldsInMajorityMode() {
        QuorumCalculator calculator = new QuorumCalculator(definition(
                new QuorumOptions(QuorumMode.MAJORITY, true, NoQuorumPolicy.STOP), FencingOptions.defaults(),
                node("node1", NodeRole.STORAGE, 1, "10.0.0.1"), node("node2", NodeRole.STORAGE, 1, "10.0.0.2"),
                node("node3", NodeRole.STORAGE, 1, "10.0.0.3")));
        Set<String> two = Set.of("node1", "node2");
        assertThat(calculator.evaluate(two, two, false).quorate()).isFalse();
        assertThat(calculator.evaluate(two, two, true).quorate()).isTrue();
    }

    @Test
    void twoNodeStillNeedsItsOwnLease() {
        assertThat(twoNode(false).evaluate(Set.of("node1"), Set.of(), true).quorate()).isFalse();
    }
}
