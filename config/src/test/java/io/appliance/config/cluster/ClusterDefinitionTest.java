package io.appliance.config.cluster;

import static io.appliance.config.cluster.ClusterFixtures.KEY;
import static io.appliance.config.cluster.ClusterFixtures.cluster;
import static io.appliance.config.cluster.ClusterFixtures.iscsiGroup;
import static io.appliance.config.cluster.ClusterFixtures.storage;
import static io.appliance.config.cluster.ClusterFixtures.threeNodes;
import static io.appliance.config.cluster.ClusterFixtures.witness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ClusterDefinitionTest {

    private static final FenceDeviceDefinition IPMI_BOTH = FenceDeviceDefinition.of("ipmi", "/usr/sbin/fence_ipmilan",
            List.of("node1", "node2"), Map.of("ip", "10.1.0.1", "username", "admin"));

    private static void assertRefused(ThrowingCallable call, String field, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(ClusterDefinitionException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(message);
    }

    private static ClusterDefinition threeNodeCluster() {
        return ClusterDefinition.withDefaults("c1", KEY, threeNodes(), iscsiGroup());
    }

    @Test
    void threeNodesWithAWitness() {
        ClusterDefinition definition = threeNodeCluster();
        assertThat(definition.totalVotes()).isEqualTo(3);
        assertThat(definition.quorumVotes()).isEqualTo(2);
        assertThat(definition.node("witness").orElseThrow().role()).isEqualTo(NodeRole.WITNESS);
        assertThat(definition.node("node3")).isEmpty();
        assertThat(definition.storageNodes()).extracting(ClusterNodeDefinition::name).containsExactly("node1", "node2");
        assertThat(definition.port()).isEqualTo(7800);
        assertThat(definition.warnings()).isEmpty();
    }

    @Test
    void twoNodeModeNeedsTwoStorageNodesAndADeviceForEach() {
        QuorumOptions twoNode = new QuorumOptions(QuorumMode.TWO_NODE, true, NoQuorumPolicy.STOP);
        List<ClusterNodeDefinition> two = List.of(storage("node1", "10.0.0.1"), storage("node2", "10.0.0.2"));
        FencingOptions withDevice = new FencingOptions(true, FenceAction.OFF, Duration.ofSeconds(5), Duration.ofSeconds(2),
                List.of(IPMI_BOTH));
        ClusterDefinition definition = cluster(two, twoNode, withDevice, iscsiGroup());
        assertThat(definition.quorumVotes()).isEqualTo(1);

        assertRefused(() -> cluster(threeNodes(), twoNode, withDevice, iscsiGroup()), "quorum.mode",
                "two_node needs exactly 2 storage nodes");
        assertRefused(() -> cluster(two, twoNode, FencingOptions.defaults(), iscsiGroup()), "fencing.devices",
                "two_node needs a fence device for each node; none can fence node1");
        FencingOptions disabled = new FencingOptions(false, FenceAction.OFF, Duration.ofSeconds(5), Duration.ofSeconds(2),
                List.of(IPMI_BOTH));
        assertRefused(() -> cluster(two, twoNode, disabled, iscsiGroup()), "fencing.enabled", "two_node needs fencing");
    }

    @Test
    void watchdogMustOutlastDeadtimePlusSelfFence() {
        FencingOptions tooShort = new FencingOptions(true, FenceAction.REBOOT, Duration.ofSeconds(4), Duration.ofSeconds(2),
                List.of());
        assertRefused(() -> cluster(threeNodes(), QuorumOptions.defaults(), tooShort, iscsiGroup()),
                "fencing.watchdogTimeout", "watchdogTimeout 4s must be longer than timing.deadtime 2s"
                        + " + fencing.selfFenceTimeout 2s = 4s");
        FencingOptions noWatchdog = new FencingOptions(true, FenceAction.REBOOT, Duration.ZERO, Duration.ofSeconds(2),
                List.of());
        assertThat(cluster(threeNodes(), QuorumOptions.defaults(), noWatchdog, iscsiGroup()).warnings())
                .anySatisfy(warning -> assertThat(warning).contains("no fence device for node1"));
    }

    @Test
    void nodesAreCountedNamedAndAddressedOnce() {
        assertRefused(() -> ClusterDefinition.withDefaults("c1", KEY, List.of(), iscsiGroup()), "nodes",
                "a cluster has 1 to 16 nodes, found 0");
        assertRefused(() -> ClusterDefinition.withDefaults("c1", KEY, List.of(storage("node1", "10.0.0.1"),
                storage("node1", "10.0.0.2")), iscsiGroup()), "nodes[1].name", "node name node1 is used twice");
        assertRefused(() -> ClusterDefinition.withDefaults("c1", KEY, List.of(witness("w", "10.0.0.1")),
                ResourceConfiguration.empty()), "nodes", "at least one node must have role storage");
        assertRefused(() -> ClusterDefinition.withDefaults("c1", KEY, List.of(storage("node1", "10.0.0.1"),
                storage("node2", "10.0.0.1:7800")), iscsiGroup()), "nodes[1].addresses[0]",
                "address 10.0.0.1:7800 (port 7800) is also node node1's");
        ClusterDefinition sameHost = ClusterDefinition.withDefaults("c1", KEY, List.of(storage("node1", "127.0.0.1:7801"),
                storage("node2", "127.0.0.1:7802")), iscsiGroup());
        assertThat(sameHost.nodes()).hasSize(2);
        assertRefused(() -> new ClusterNodeDefinition("node1", NodeRole.STORAGE, 300, List.of()), "votes",
                "votes 300 out of range 0..255");
        assertRefused(() -> ClusterNodeDefinition.of("node1", NodeRole.STORAGE, List.of("10.0.0.1", "10.0.1.1", "10.0.2.1")),
                "addresses", "at most 2 addresses");
        assertRefused(() -> ClusterNodeDefinition.of("node1", NodeRole.STORAGE, List.of("10.0.0.1:99999")),
                "addresses[0]", "is not IP, IP:port");
        assertRefused(() -> ClusterNodeDefinition.of("-x", NodeRole.STORAGE, List.of()), "name", "node name '-x'");
        ClusterNodeDefinition v6 = ClusterNodeDefinition.of("n", NodeRole.STORAGE, List.of("[fd00::1]:7900", "fd00::2"));
        assertThat(ClusterNodeDefinition.hostOf(v6.addresses().get(0))).isEqualTo("fd00::1");
        assertThat(ClusterNodeDefinition.portOf(v6.addresses().get(0), 7800)).isEqualTo(7900);
        assertThat(ClusterNodeDefinition.portOf(v6.addresses().get(1), 7800)).isEqualTo(7800);
        assertThat(ClusterNodeDefinition.portOf("10.0.0.1:7801", 7800)).isEqualTo(7801);
    }

    @Test
    void nodesWithoutAddressesAreAllowedButWarned() {
        ClusterDefinition definition = ClusterDefinition.withDefaults("c1", KEY,
                List.of(ClusterNodeDefinition.of("node1", NodeRole.STORAGE, List.of())), iscsiGroup());
        assertThat(definition.node("node1").orElseThrow().ring0()).isEmpty();
        assertThat(definition.warnings()).anySatisfy(warning -> assertThat(warning)
                .contains("give cluster.nodes[].addresses"));
    }

    @Test
    void ring1MustBeAnotherAddressAndEveryNodeShouldHaveOne() {
        assertRefused(() -> ClusterNodeDefinition.of("node1", NodeRole.STORAGE, List.of("10.0.0.1:7800", "10.0.0.1:7801")),
                "addresses[1]", "is on the same host address as ring0");
        ClusterDefinition partial = ClusterDefinition.withDefaults("c1", KEY, List.of(
                ClusterNodeDefinition.of("node1", NodeRole.STORAGE, List.of("10.0.0.1", "10.0.1.1")),
                ClusterNodeDefinition.of("node2", NodeRole.STORAGE, List.of("10.0.0.2"))), iscsiGroup());
        assertThat(partial.warnings()).anySatisfy(warning -> assertThat(warning)
                .startsWith("nodes[1].addresses: node node2 has no ring1 address"));
        ClusterDefinition both = ClusterDefinition.withDefaults("c1", KEY, List.of(
                ClusterNodeDefinition.of("node1", NodeRole.STORAGE, List.of("10.0.0.1", "10.0.1.1")),
                ClusterNodeDefinition.of("node2", NodeRole.STORAGE, List.of("10.0.0.2", "10.0.1.2"))), iscsiGroup());
        assertThat(both.warnings()).noneMatch(warning -> warning.contains("ring1"));
    }

    @Test
    void constraintsNameConfiguredNodes() {
        assertRefused(() -> ClusterDefinition.withDefaults("c1", KEY, threeNodes(),
                iscsiGroup(List.of(new LocationConstraint("l", "dummy", "node3", Score.of(5))), List.of(), List.of())),
                "resources.locations[0].node", "node3 is not a configured node (nodes: node1, node2, witness)");
        assertThat(ClusterDefinition.withDefaults("c1", KEY, threeNodes(),
                iscsiGroup(List.of(new LocationConstraint("l", "dummy", "witness", Score.of(5))), List.of(), List.of()))
                .resources().locations()).hasSize(1);
        FencingOptions strayDevice = new FencingOptions(true, FenceAction.OFF, Duration.ofSeconds(5), Duration.ofSeconds(2),
                List.of(FenceDeviceDefinition.of("ipmi", "fence_ipmilan", List.of("node9"), Map.of())));
        assertRefused(() -> cluster(threeNodes(), QuorumOptions.defaults(), strayDevice, iscsiGroup()),
                "fencing.devices[0].nodes[0]", "fence device ipmi: node9 is not a configured node");
    }

    @Test
    void groupMembersBannedFromEveryCommonNode() {
        assertRefused(() -> ClusterDefinition.withDefaults("c1", KEY, threeNodes(), iscsiGroup(List.of(
                new LocationConstraint("l1", "vip", "node1", Score.MINUS_INFINITY),
                new LocationConstraint("l2", "g-iscsi", "node2", Score.MINUS_INFINITY)), List.of(), List.of())),
                "resources.groups[0]", "group g-iscsi: member vip can run on no storage node");
        assertRefused(() -> ClusterDefinition.withDefaults("c1", KEY, threeNodes(), iscsiGroup(List.of(
                new LocationConstraint("l1", "vip", "node1", Score.MINUS_INFINITY),
                new LocationConstraint("l2", "disk", "node2", Score.MINUS_INFINITY)), List.of(), List.of())),
                "resources.groups[0]", "group g-iscsi: members disk and vip can never run together");
    }

    @Test
    void timingOrder() {
        assertRefused(() -> new HeartbeatTiming(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(10)), "warntime", "warntime 1s must be longer than keepalive 1s");
        assertRefused(() -> new HeartbeatTiming(Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(2),
                Duration.ofSeconds(10)), "deadtime", "deadtime 2s must be longer than warntime 3s");
        assertRefused(() -> new HeartbeatTiming(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(20),
                Duration.ofSeconds(10)), "initdead", "initdead 10s must be at least deadtime 20s");
        assertRefused(() -> new HeartbeatTiming(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(10)), "keepalive", "keepalive 50ms out of range 100ms..10m");
        HeartbeatTiming defaults = HeartbeatTiming.defaults();
        assertThat(List.of(defaults.keepalive(), defaults.warntime(), defaults.deadtime(), defaults.initdead()))
                .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    @Test
    void secretsAndDevices() {
        assertRefused(() -> new AuthKey(AuthMethod.SHA1, "short"), "secret", "8 to 256 characters, has 5");
        assertThat(new AuthKey(AuthMethod.SHA1, "very-secret-value").toString()).doesNotContain("very-secret-value");
        assertRefused(() -> FenceDeviceDefinition.of("ipmi", "fence_ipmilan", List.of("node1"),
                Map.of("passwd", "a\nnodename=node2")), "parameters.passwd", "must be one line");
        assertRefused(() -> new FenceDeviceDefinition("ipmi", "fence_ipmilan", List.of("node1"), Map.of(),
                Duration.ofSeconds(20), 11), "retries", "retries 11 out of range 0..10");
        assertRefused(() -> new FencingOptions(true, FenceAction.OFF, Duration.ofSeconds(5), Duration.ofSeconds(2),
                List.of(IPMI_BOTH, IPMI_BOTH)), "devices[1].name", "fence device name ipmi is used twice");
        FencingOptions defaults = FencingOptions.defaults();
        assertThat(defaults.enabled()).isTrue();
        assertThat(defaults.watchdogTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.selfFenceTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(QuorumOptions.defaults()).isEqualTo(new QuorumOptions(QuorumMode.MAJORITY, false, NoQuorumPolicy.STOP));
        assertRefused(() -> new ClusterDefinition("c 1", ClusterTransportKind.TCP, 7800, HeartbeatTiming.defaults(), KEY,
                QuorumOptions.defaults(), FencingOptions.defaults(), threeNodes(), iscsiGroup()), "name", "cluster name");
        assertRefused(() -> new ClusterDefinition("c1", ClusterTransportKind.TCP, 0, HeartbeatTiming.defaults(), KEY,
                QuorumOptions.defaults(), FencingOptions.defaults(), threeNodes(), iscsiGroup()), "port",
                "port 0 out of range 1..65535");
    }

    @Test
    void ignorePolicyIsWarned() {
        ClusterDefinition definition = cluster(threeNodes(), new QuorumOptions(QuorumMode.MAJORITY, false,
                NoQuorumPolicy.IGNORE), FencingOptions.defaults(), iscsiGroup());
        assertThat(definition.warnings()).anySatisfy(warning -> assertThat(warning).startsWith("quorum.noQuorumPolicy"));
    }

    @Test
    void digestDependsOnResourcesAndNodesButNotOnMapOrderOrAddresses() {
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("ip", "10.0.0.100");
        forward.put("cidr_netmask", "24");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("cidr_netmask", "24");
        backward.put("ip", "10.0.0.100");
        ClusterDefinition first = single(forward, "10.0.0.1");
        ClusterDefinition second = single(backward, "10.9.9.9");
        assertThat(first.digest()).hasSize(64).isEqualTo(second.digest());
        Map<String, String> other = new LinkedHashMap<>(forward);
        other.put("cidr_netmask", "25");
        assertThat(single(other, "10.0.0.1").digest()).isNotEqualTo(first.digest());
        assertThat(threeNodeCluster().digest()).isNotEqualTo(ClusterDefinition.withDefaults("c1", KEY,
                List.of(storage("node1", "10.0.0.1"), storage("node2", "10.0.0.2")), iscsiGroup()).digest());
    }

    private static ClusterDefinition single(Map<String, String> vipParams, String address) {
        ResourceConfiguration resources = new ResourceConfiguration(
                List.of(PrimitiveDefinition.of("vip", "IPaddr2", vipParams)), List.of(), List.of(), List.of(), List.of(),
                ClusterProperties.defaults());
        return ClusterDefinition.withDefaults("c1", KEY, List.of(storage("node1", address)), resources);
    }

    @Test
    void exceptionPrefixes() {
        ClusterDefinitionException e = new ClusterDefinitionException("votes", "bad");
        assertThat(e.withPrefix("cluster.nodes[1]").field()).isEqualTo("cluster.nodes[1].votes");
        assertThat(e.withPrefix("cluster.nodes[1]")).hasMessage("cluster.nodes[1].votes: bad");
        assertThat(e.problem()).isEqualTo("bad");
    }
}
