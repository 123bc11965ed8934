package io.appliance.itest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The network of a cluster test: a "switch" namespace {@code <prefix>-sw} with four bridges
 * ({@code brlan} client LAN, {@code brhb} heartbeat ring0, {@code brhb1} heartbeat ring1, {@code brrep}
 * replication), two storage nodes {@code <prefix>-n1}/{@code -n2} (interfaces {@code lan0}, {@code hb0},
 * {@code hb1}, {@code rep0}), a witness {@code <prefix>-w} ({@code hb0}, {@code hb1}) and a client
 * {@code <prefix>-c} ({@code lan0}). Every interface is one end of a veth pair whose other end ({@code n1lan},
 * {@code n1hb}, {@code n1hb1}, {@code n1rep}, {@code n2...}, {@code whb}, {@code whb1}, {@code clan}) is a port of
 * its bridge, so {@link #cut} / {@link #restore} of one link is setting that switch port down/up. Addresses (S = 1 +
 * lab index % 250): LAN {@code 10.232.S.0/24} (node1 .1, node2 .2, client .200, VIP .100), heartbeat ring0
 * {@code 10.233.S.0/24} and ring1 {@code 10.235.S.0/24} (.1 .2 .3 witness), replication {@code 10.234.S.0/24}
 * (.1 .2). Ring1 is used only by clusters configured with it ({@code ClusterConfigFile.Spec#withRing1}).
 *
 * <p>The prefix is {@code itc<pid>x<n>}; {@link #create} first removes the namespaces of earlier runs
 * whose JVM is gone (as {@link NetworkLab}). {@link #close()} deletes every namespace (which deletes
 * the veths and bridges) and the lab directory, which holds the fence agent {@code fence_lab}
 * ({@link LabFenceAgent}) and its {@code fence.log}.
 */
public final class ClusterLab implements AutoCloseable {

    /** The family every prefix of this harness starts with. */
    public static final String PREFIX_FAMILY = "itc";
    public static final String NODE1 = "node1";
    public static final String NODE2 = "node2";
    public static final String WITNESS = "witness";
    public static final String CLIENT = "client";
    static final RunNamespaces NAMESPACES = new RunNamespaces(PREFIX_FAMILY, "cluster lab");
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static int labsCreated;

    private final String prefix;
    private final int subnet;
    private final Path directory;
    private final List<String> namespaces = new ArrayList<>();

    private ClusterLab(String prefix, int subnet, Path directory) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.directory = directory;
    }

    /** Skips the calling test unless this is root with {@code ip} and network namespaces. */
    public static void assumeUsable() {
        NetworkLab.assumeUsable();
    }

    /** Removes leftovers of dead runs, then builds the switch, the four hosts and their links, and writes the fence agent. */
    public static ClusterLab create() throws IOException, InterruptedException {
        NAMESPACES.removeLeftoversOfDeadRuns();
        int index;
        synchronized (ClusterLab.class) {
            index = ++labsCreated;
        }
        String prefix = PREFIX_FAMILY + ProcessHandle.current().pid() + "x" + index;
        ClusterLab lab = new ClusterLab(prefix, 1 + index % 250, Files.createTempDirectory("appliance-cluster-" + prefix + "-"));
        try {
            lab.build();
            LabFenceAgent.write(lab.fenceAgent());
            return lab;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    private void build() throws IOException, InterruptedException {
        addNamespace(switchNamespace());
        for (String bridge : List.of("brlan", "brhb", "brhb1", "brrep")) {
            run("ip", "-n", switchNamespace(), "link", "add", bridge, "type", "bridge");
            run("ip", "-n", switchNamespace(), "link", "set", bridge, "up");
        }
        for (String host : List.of(NODE1, NODE2, WITNESS, CLIENT)) {
            addNamespace(namespace(host));
        }
        for (String node : List.of(NODE1, NODE2)) {
            connect(node, "lan", "lan0", "brlan", lanAddress(node));
            connect(node, "hb", "hb0", "brhb", heartbeatAddress(node));
            connect(node, "hb1", "hb1", "brhb1", ring1Address(node));
            connect(node, "rep", "rep0", "brrep", replicationAddress(node));
        }
        connect(WITNESS, "hb", "hb0", "brhb", heartbeatAddress(WITNESS));
        connect(WITNESS, "hb1", "hb1", "brhb1", ring1Address(WITNESS));
        connect(CLIENT, "lan", "lan0", "brlan", lanAddress(CLIENT));
    }

    private void addNamespace(String namespace) throws IOException, InterruptedException {
        run("ip", "netns", "add", namespace);
        namespaces.add(namespace);
        run("ip", "-n", namespace, "link", "set", "lo", "up");
    }

    private void connect(String host, String network, String inside, String bridge, String address)
            throws IOException, InterruptedException {
        String port = switchPort(host, network);
        run("ip", "link", "add", port, "netns", switchNamespace(), "type", "veth", "peer", "name", inside, "netns",
                namespace(host));
        run("ip", "-n", switchNamespace(), "link", "set", port, "master", bridge);
        run("ip", "-n", switchNamespace(), "link", "set", port, "up");
        run("ip", "-n", namespace(host), "address", "add", address + "/24", "dev", inside);
        run("ip", "-n", namespace(host), "link", "set", inside, "up");
    }

    public String prefix() {
        return prefix;
    }

    /** The lab's scratch directory (fence agent, fence log; nodes put theirs below it). */
    public Path directory() {
        return directory;
    }

    public String switchNamespace() {
        return prefix + "-sw";
    }

    /** The namespace of {@code node1}, {@code node2}, {@code witness} or {@code client}. */
    public String namespace(String host) {
        return prefix + "-" + switch (host) {
            case NODE1 -> "n1";
            case NODE2 -> "n2";
            case WITNESS -> "w";
            case CLIENT -> "c";
            default -> throw new IllegalArgumentException("unknown host " + host);
        };
    }

    /** The switch-side veth of a host's link: {@code n1lan}, {@code n2hb}, {@code whb}, {@code clan}, ... */
    public String switchPort(String host, String network) {
        if (!List.of("lan", "hb", "hb1", "rep").contains(network)) {
            throw new IllegalArgumentException("network must be lan, hb, hb1 or rep: " + network);
        }
        return switch (host) {
            case NODE1 -> "n1";
            case NODE2 -> "n2";
            case WITNESS -> "w";
            case CLIENT -> "c";
            default -> throw new IllegalArgumentException("unknown host " + host);
        } + network;
    }

    public String lanAddress(String host) {
        return "10.232." + subnet + "." + switch (host) {
            case NODE1 -> 1;
            case NODE2 -> 2;
            case CLIENT -> 200;
            default -> throw new IllegalArgumentException(host + " has no LAN address");
        };
    }

    /** The service address the cluster moves between the storage nodes. */
    public String vip() {
        return "10.232." + subnet + ".100";
    }

    /** The host's address on the heartbeat ring0. */
    public String heartbeatAddress(String host) {
        return "10.233." + subnet + "." + heartbeatHost(host);
    }

    /** The host's address on the second heartbeat ring. */
    public String ring1Address(String host) {
        return "10.235." + subnet + "." + heartbeatHost(host);
    }

    private static int heartbeatHost(String host) {
        return switch (host) {
            case NODE1 -> 1;
            case NODE2 -> 2;
            case WITNESS -> 3;
            default -> throw new IllegalArgumentException(host + " is not on the heartbeat networks");
        };
    }

    public String replicationAddress(String host) {
        return "10.234." + subnet + "." + switch (host) {
            case NODE1 -> 1;
            case NODE2 -> 2;
            default -> throw new IllegalArgumentException(host + " has no replication address");
        };
    }

    /** The lab's fence agent ({@link LabFenceAgent}). */
    public Path fenceAgent() {
        return directory.resolve("fence_lab");
    }

    /** One line per fencing action the agent carried out. */
    public Path fenceLog() {
        return directory.resolve("fence.log");
    }

    /** A command run inside a host's namespace. */
    public Tool inNamespace(String host, String... command) {
        return inNamespace(host, Arrays.asList(command));
    }

    public Tool inNamespace(String host, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
        full.addAll(command);
        return Tool.of(full);
    }

    /** Sets the switch port of the host's {@code lan}, {@code hb} or {@code rep} link down: the host loses that network. */
    public void cut(String host, String network) throws IOException, InterruptedException {
        run("ip", "-n", switchNamespace(), "link", "set", switchPort(host, network), "down");
    }

    /** Undoes {@link #cut}. */
    public void restore(String host, String network) throws IOException, InterruptedException {
        run("ip", "-n", switchNamespace(), "link", "set", switchPort(host, network), "up");
    }

    /** Whether {@code address} is configured on {@code device} in the host's namespace ({@code ip -j addr show dev}). */
    public boolean holdsAddress(String host, String device, String address) throws IOException, InterruptedException {
        ToolResult shown = Tool.of("ip", "-n", namespace(host), "-j", "addr", "show", "dev", device)
                .timeout(COMMAND_LIMIT).run();
        if (!shown.succeeded()) {
            throw new IOException("cannot list addresses: " + shown.describe());
        }
        for (JsonNode link : JSON.readTree(shown.stdout())) {
            for (JsonNode info : link.path("addr_info")) {
                if (address.equals(info.path("local").asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Deletes every namespace and the lab directory; never throws, reports what it could not remove on standard error. */
    @Override
    public void close() {
        for (String namespace : namespaces) {
            NAMESPACES.delete(namespace);
        }
        namespaces.clear();
        try {
            Directories.deleteRecursively(directory);
        } catch (IOException e) {
            System.err.println("cluster lab clean-up incomplete: " + e);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Tool.of(command).timeout(COMMAND_LIMIT).runSuccessfully();
    }

}
