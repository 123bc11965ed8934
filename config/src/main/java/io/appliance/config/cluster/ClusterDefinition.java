package io.appliance.config.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One cluster: its nodes, transport, timing, quorum, fencing and resources. Every instance is valid; the
 * constructor throws a {@link ClusterDefinitionException} whose field is the path below {@code cluster}
 * (e.g. {@code nodes[1].name}, {@code fencing.watchdogTimeout}). Rules between fields:
 * <ul>
 *   <li>1 to 16 nodes with unique names, at least one {@link NodeRole#STORAGE}, at least one vote in all;
 *       no two nodes with the same address and port;
 *   <li>{@link QuorumMode#TWO_NODE}: exactly two storage nodes with one vote each, fencing enabled and a
 *       device for each node;
 *   <li>a non-zero {@code fencing.watchdogTimeout} exceeds {@code timing.deadtime + fencing.selfFenceTimeout}
 *       (a lost node has stopped or halted by then, see the design's self-fence argument);
 *   <li>fence devices and location constraints name configured nodes (a witness may be named);
 *   <li>each member of a group can run on some storage node, and every two members of a group on a common
 *       one (locations with {@code -INFINITY}).
 * </ul>
 *
 * @param name the cluster name ({@code [A-Za-z0-9_.-]{1,64}}): the transport's cluster and key derivation
 * @param transport TCP or UDP
 * @param port the default heartbeat port of node addresses without one, 1..65535 (default {@value #DEFAULT_PORT})
 * @param timing keepalive, warntime, deadtime, initdead
 * @param authKey the shared secret
 * @param quorum quorum mode and policy
 * @param fencing fencing options and devices
 * @param nodes the configured nodes
 * @param resources resources and constraints
 */
public record ClusterDefinition(String name, ClusterTransportKind transport, int port, HeartbeatTiming timing,
        AuthKey authKey, QuorumOptions quorum, FencingOptions fencing, List<ClusterNodeDefinition> nodes,
        ResourceConfiguration resources) {

    public static final int DEFAULT_PORT = 7800;
    public static final int MAX_NODES = 16;

    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public ClusterDefinition {
        Checks.notNull(name, "name");
        Checks.require(CLUSTER_NAME.matcher(name).matches(), "name",
                "cluster name '" + name + "' must be 1 to 64 of A-Z a-z 0-9 _ . -");
        Checks.notNull(transport, "transport");
        Checks.require(port >= 1 && port <= 65535, "port", "port " + port + " out of range 1..65535");
        Checks.notNull(timing, "timing");
        Checks.notNull(authKey, "authKey");
        Checks.notNull(quorum, "quorum");
        Checks.notNull(fencing, "fencing");
        Checks.notNull(nodes, "nodes");
        Checks.notNull(resources, "resources");
        nodes = List.copyOf(checkNodes(nodes, port));
        checkQuorum(quorum, fencing, nodes);
        checkFencing(timing, fencing, nodes);
        checkResourceNodes(resources, nodes);
    }

    /** A cluster with TCP on port {@value #DEFAULT_PORT} and default timing, quorum and fencing. */
    public static ClusterDefinition withDefaults(String name, AuthKey authKey, List<ClusterNodeDefinition> nodes,
            ResourceConfiguration resources) {
        return new ClusterDefinition(name, ClusterTransportKind.TCP, DEFAULT_PORT, HeartbeatTiming.defaults(), authKey,
                QuorumOptions.defaults(), FencingOptions.defaults(), nodes, resources);
    }

    /** The node called {@code name}. */
    public Optional<ClusterNodeDefinition> node(String name) {
        return nodes.stream().filter(node -> node.name().equals(name)).findFirst();
    }

    /** The storage nodes in configuration order. */
    public List<ClusterNodeDefinition> storageNodes() {
        return nodes.stream().filter(node -> node.role() == NodeRole.STORAGE).toList();
    }

    /** The sum of all configured votes. */
    public int totalVotes() {
        return nodes.stream().mapToInt(ClusterNodeDefinition::votes).sum();
    }

    /** Votes needed for quorum: a majority ({@code total / 2 + 1}), or 1 in {@link QuorumMode#TWO_NODE}. */
    public int quorumVotes() {
        return quorum.mode() == QuorumMode.TWO_NODE ? 1 : totalVotes() / 2 + 1;
    }

    /**
     * What is allowed but probably not meant: no-quorum-policy ignore, fencing disabled, a storage node that
     * neither a watchdog nor a device can fence, nodes without addresses, a node without the ring1 address others have. For the start-up log and the
     * importers.
     */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (quorum.noQuorumPolicy() == NoQuorumPolicy.IGNORE) {
            warnings.add("quorum.noQuorumPolicy: ignore runs resources without quorum and risks running them"
                    + " twice; use it only in tests");
        }
        if (!fencing.enabled()) {
            warnings.add("fencing.enabled: false takes a lost node as stopped at once; a hung node may still"
                    + " run its resources when they start elsewhere");
        }
        if (fencing.enabled() && fencing.watchdogTimeout().isZero()) {
            for (ClusterNodeDefinition node : storageNodes()) {
                if (!fencing.hasDeviceFor(node.name())) {
                    warnings.add("fencing.devices: no watchdog (watchdogTimeout 0) and no fence device for " + node.name()
                            + ": its resources cannot move after it is lost until a device or an operator fences it");
                }
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            ClusterNodeDefinition node = nodes.get(i);
            if (node.addresses().isEmpty()) {
                warnings.add("nodes[" + i + "].addresses: node " + node.name()
                        + " has no address; give cluster.nodes[].addresses before starting the cluster");
            }
        }
        boolean anyRing1 = nodes.stream().anyMatch(node -> node.addresses().size() > 1);
        for (int i = 0; anyRing1 && i < nodes.size(); i++) {
            ClusterNodeDefinition node = nodes.get(i);
            if (node.addresses().size() == 1) {
                warnings.add("nodes[" + i + "].addresses: node " + node.name() + " has no ring1 address while others"
                        + " have one: it is heard on ring0 only, and a ring0 failure loses it");
            }
        }
        return List.copyOf(warnings);
    }

    /**
     * SHA-256 (lower-case hex) of a canonical text of {@code resources} and the nodes' names, roles and
     * votes: nodes compare it to detect a configuration that differs. Independent of map iteration order,
     * addresses, timing, fencing and the secret.
     */
    public String digest() {
        StringBuilder text = new StringBuilder();
        for (ClusterNodeDefinition node : nodes) {
            text.append("node ").append(node.name()).append(' ').append(node.role()).append(' ')
                    .append(node.votes()).append('\n');
        }
        CanonicalText.append(text, resources);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static List<ClusterNodeDefinition> checkNodes(List<ClusterNodeDefinition> nodes, int port) {
        Checks.require(!nodes.isEmpty() && nodes.size() <= MAX_NODES, "nodes",
                "a cluster has 1 to " + MAX_NODES + " nodes, found " + nodes.size());
        Set<String> names = new HashSet<>();
        Map<String, String> addressOwners = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            ClusterNodeDefinition node = Checks.notNull(nodes.get(i), "nodes[" + i + "]");
            Checks.require(names.add(node.name()), "nodes[" + i + "].name",
                    "node name " + node.name() + " is used twice");
            for (int a = 0; a < node.addresses().size(); a++) {
                String address = node.addresses().get(a);
                String key = ClusterNodeDefinition.hostOf(address).toLowerCase(Locale.ROOT) + " port "
                        + ClusterNodeDefinition.portOf(address, port);
                String owner = addressOwners.putIfAbsent(key, node.name());
                Checks.require(owner == null, "nodes[" + i + "].addresses[" + a + "]", "node " + node.name()
                        + ": address " + address + " (port " + ClusterNodeDefinition.portOf(address, port)
                        + ") is also node " + owner + "'s; give each node its own address or port");
            }
        }
        Checks.require(nodes.stream().anyMatch(node -> node.role() == NodeRole.STORAGE), "nodes",
                "at least one node must have role storage (a witness only votes)");
        Checks.require(nodes.stream().mapToInt(ClusterNodeDefinition::votes).sum() >= 1, "nodes",
                "the nodes have no votes at all: give each node votes: 1");
        return nodes;
    }

    private static void checkQuorum(QuorumOptions quorum, FencingOptions fencing, List<ClusterNodeDefinition> nodes) {
        if (quorum.mode() != QuorumMode.TWO_NODE) {
            return;
        }
        boolean twoStorageNodesOneVote = nodes.size() == 2
                && nodes.stream().allMatch(node -> node.role() == NodeRole.STORAGE && node.votes() == 1);
        Checks.require(twoStorageNodesOneVote, "quorum.mode", "two_node needs exactly 2 storage nodes with 1 vote"
                + " each and no witness; with a witness use majority");
        Checks.require(fencing.enabled(), "fencing.enabled",
                "two_node needs fencing: each node keeps quorum alone, only fencing prevents both running the resources");
        for (ClusterNodeDefinition node : nodes) {
            Checks.require(fencing.hasDeviceFor(node.name()), "fencing.devices",
                    "two_node needs a fence device for each node; none can fence " + node.name());
        }
    }

    private static void checkFencing(HeartbeatTiming timing, FencingOptions fencing, List<ClusterNodeDefinition> nodes) {
        Duration watchdog = fencing.watchdogTimeout();
        if (!watchdog.isZero()) {
            Duration minimum = timing.deadtime().plus(fencing.selfFenceTimeout());
            Checks.require(watchdog.compareTo(minimum) > 0, "fencing.watchdogTimeout", "watchdogTimeout "
                    + DurationText.format(watchdog) + " must be longer than timing.deadtime "
                    + DurationText.format(timing.deadtime()) + " + fencing.selfFenceTimeout "
                    + DurationText.format(fencing.selfFenceTimeout()) + " = " + DurationText.format(minimum)
                    + " (a lost node may still run resources until then)");
        }
        for (int d = 0; d < fencing.devices().size(); d++) {
            FenceDeviceDefinition device = fencing.devices().get(d);
            for (int n = 0; n < device.nodes().size(); n++) {
                String node = device.nodes().get(n);
                Checks.require(nodes.stream().anyMatch(candidate -> candidate.name().equals(node)),
                        "fencing.devices[" + d + "].nodes[" + n + "]",
                        "fence device " + device.name() + ": " + node + " is not a configured node");
            }
        }
    }

    private static void checkResourceNodes(ResourceConfiguration resources, List<ClusterNodeDefinition> nodes) {
        Set<String> names = new HashSet<>();
        nodes.forEach(node -> names.add(node.name()));
        List<LocationConstraint> locations = resources.locations();
        for (int i = 0; i < locations.size(); i++) {
            LocationConstraint location = locations.get(i);
            Checks.require(names.contains(location.node()), "resources.locations[" + i + "].node",
                    "location " + location.id() + ": " + location.node() + " is not a configured node (nodes: "
                            + String.join(", ", nodes.stream().map(ClusterNodeDefinition::name).toList()) + ")");
        }
        List<String> storage = nodes.stream().filter(node -> node.role() == NodeRole.STORAGE)
                .map(ClusterNodeDefinition::name).toList();
        List<GroupDefinition> groups = resources.groups();
        for (int g = 0; g < groups.size(); g++) {
            GroupDefinition group = groups.get(g);
            Map<String, Set<String>> allowed = new HashMap<>();
            for (String member : group.members()) {
                Set<String> nodesForMember = new LinkedHashSet<>(storage);
                for (LocationConstraint location : locations) {
                    boolean concerns = location.resource().equals(member) || location.resource().equals(group.id());
                    if (concerns && location.score().isMinusInfinity()) {
                        nodesForMember.remove(location.node());
                    }
                }
                Checks.require(!nodesForMember.isEmpty(), "resources.groups[" + g + "]", "group " + group.id()
                        + ": member " + member + " can run on no storage node (-INFINITY locations on all of them)");
                allowed.put(member, nodesForMember);
            }
            for (int a = 0; a < group.members().size(); a++) {
                for (int b = a + 1; b < group.members().size(); b++) {
                    String first = group.members().get(a);
                    String second = group.members().get(b);
                    Set<String> common = new HashSet<>(allowed.get(first));
                    common.retainAll(allowed.get(second));
                    Checks.require(!common.isEmpty(), "resources.groups[" + g + "]", "group " + group.id()
                            + ": members " + first + " and " + second + " can never run together"
                            + " (-INFINITY locations leave them no common node)");
                }
            }
        }
    }
}
