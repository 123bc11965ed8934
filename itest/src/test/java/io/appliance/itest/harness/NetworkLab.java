package io.appliance.itest.harness;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Network namespaces joined by one veth pair, for two-node tests: namespace {@code <prefix>-n1}
 * holds {@code <prefix>a} with {@code 10.231.<subnet>.1/24}, namespace {@code <prefix>-n2} holds
 * {@code <prefix>b} with {@code 10.231.<subnet>.2/24}, and both have loopback up. The prefix is
 * {@code itr<pid>x<n>}: the test JVM's pid makes it unique among concurrent runs, and
 * {@link #create} first removes the namespaces of earlier runs whose JVM is gone. {@link #close()}
 * deletes both namespaces (which deletes the veth pair with them).
 *
 * <p>The link can be cut ({@link #linkDown()}), restored, and made lossy or slow with {@code tc
 * netem} ({@link #impair}) or, on kernels without netem, a token bucket ({@link #degrade}).
 * Commands run inside a namespace with {@link #inNamespace}.
 */
public final class NetworkLab implements AutoCloseable {

    /** The nftables table of {@link #degrade}'s random loss, in each namespace. */
    public static final String LOSS_TABLE = "appliance_lab_loss";

    /** The family every prefix of this harness starts with. */
    public static final String PREFIX_FAMILY = "itr";
    static final RunNamespaces NAMESPACES = new RunNamespaces(PREFIX_FAMILY, "network lab");
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(20);
    private static int labsCreated;

    private final String prefix;
    private final int subnet;
    private final List<String> namespaces = new ArrayList<>();

    private NetworkLab(String prefix, int subnet) {
        this.prefix = prefix;
        this.subnet = subnet;
    }

    /** Skips the calling test unless this is root on a machine with {@code ip} and network namespaces. */
    public static void assumeUsable() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "network namespaces need root");
        try {
            ToolResult list = Tool.of("ip", "netns", "list").timeout(COMMAND_LIMIT).run();
            Assumptions.assumeTrue(list.succeeded(), () -> "ip netns unusable: " + list.describe());
        } catch (IOException e) {
            Assumptions.abort("no ip command: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Assumptions.abort("interrupted");
        }
    }

    /** Removes leftovers of dead runs, then builds two namespaces and the veth pair between them. */
    public static NetworkLab create() throws IOException, InterruptedException {
        NAMESPACES.removeLeftoversOfDeadRuns();
        int index;
        synchronized (NetworkLab.class) {
            index = ++labsCreated;
        }
        NetworkLab lab = new NetworkLab(PREFIX_FAMILY + ProcessHandle.current().pid() + "x" + index, 1 + index % 250);
        try {
            lab.build();
            return lab;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    private void build() throws IOException, InterruptedException {
        for (int node = 1; node <= 2; node++) {
            String namespace = namespace(node);
            Tool.of("ip", "netns", "add", namespace).timeout(COMMAND_LIMIT).runSuccessfully();
            namespaces.add(namespace);
            inNamespace(node, "ip", "link", "set", "lo", "up").timeout(COMMAND_LIMIT).runSuccessfully();
        }
        Tool.of("ip", "link", "add", vethName(1), "netns", namespace(1), "type", "veth",
                "peer", "name", vethName(2), "netns", namespace(2)).timeout(COMMAND_LIMIT).runSuccessfully();
        for (int node = 1; node <= 2; node++) {
            inNamespace(node, "ip", "address", "add", address(node) + "/24", "dev", vethName(node))
                    .timeout(COMMAND_LIMIT).runSuccessfully();
            inNamespace(node, "ip", "link", "set", vethName(node), "up").timeout(COMMAND_LIMIT).runSuccessfully();
        }
    }

    /** The namespace of node 1 or 2. */
    public String namespace(int node) {
        requireNode(node);
        return prefix + "-n" + node;
    }

    /** The replication-link address of node 1 or 2, such as {@code 10.231.3.1}. */
    public String address(int node) {
        requireNode(node);
        return "10.231." + subnet + "." + node;
    }

    /** The veth end inside node 1's or node 2's namespace (at most 15 characters, the kernel's IFNAMSIZ - 1). */
    public String vethName(int node) {
        requireNode(node);
        return prefix + (node == 1 ? "a" : "b");
    }

    /** A command run inside node {@code node}'s namespace ({@code ip netns exec NS ...}). */
    public Tool inNamespace(int node, String... command) {
        return inNamespace(node, Arrays.asList(command));
    }

    public Tool inNamespace(int node, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node)));
        full.addAll(command);
        return Tool.of(full);
    }

    /** Cuts the link: node 1's veth end goes down (both ends lose carrier). */
    public void linkDown() throws IOException, InterruptedException {
        inNamespace(1, "ip", "link", "set", vethName(1), "down").timeout(COMMAND_LIMIT).runSuccessfully();
    }

    /** Restores the link cut by {@link #linkDown()}. */
    public void linkUp() throws IOException, InterruptedException {
        inNamespace(1, "ip", "link", "set", vethName(1), "up").timeout(COMMAND_LIMIT).runSuccessfully();
    }

    /**
     * Puts {@code tc netem} on both veth ends, such as {@code impair("delay", "5ms", "loss", "1%")}:
     * every packet in both directions is delayed and may be dropped.
     *
     * @throws IOException when the kernel has no netem ({@link #hasNetem()} is false)
     */
    public void impair(String... netemArguments) throws IOException, InterruptedException {
        List<String> qdisc = new ArrayList<>(List.of("netem"));
        qdisc.addAll(Arrays.asList(netemArguments));
        setRootQdisc(qdisc);
    }

    /**
     * Makes the link slow and lossy with what this kernel has. Delay: {@code netem delay 5ms} where
     * netem exists, else a token bucket ({@code tbf rate 40mbit burst 16kb latency 10ms}) that queues
     * packets above the rate and drops those that would wait longer than 10 ms. Loss: 1% of the
     * packets leaving each end, picked at random by nftables ({@code numgen random mod 100 < 1 drop}
     * in table {@value #LOSS_TABLE}; {@link #randomlyDropped()} counts them), so the loss does not
     * depend on netem. Returns what it set, for the report.
     */
    public String degrade() throws IOException, InterruptedException {
        List<String> qdisc = hasNetem() ? List.of("netem", "delay", "5ms")
                : List.of("tbf", "rate", "40mbit", "burst", "16kb", "latency", "10ms");
        setRootQdisc(qdisc);
        for (int node = 1; node <= 2; node++) {
            List<List<String>> commands = List.of(
                    List.of("nft", "add", "table", "inet", LOSS_TABLE),
                    List.of("nft", "add", "chain", "inet", LOSS_TABLE, "out",
                            "{ type filter hook output priority 0; policy accept; }"),
                    List.of("nft", "add", "rule", "inet", LOSS_TABLE, "out", "oifname", vethName(node),
                            "numgen", "random", "mod", "100", "<", "1", "counter", "drop"));
            for (List<String> command : commands) {
                ToolResult result = inNamespace(node, command).timeout(COMMAND_LIMIT).run();
                if (!result.succeeded()) {
                    throw new IOException("cannot add the random loss: " + result.describe());
                }
            }
        }
        return String.join(" ", qdisc) + " + nft random loss 1%";
    }

    /** Packets the random loss of {@link #degrade} dropped so far, both ends together. */
    public long randomlyDropped() throws IOException, InterruptedException {
        long dropped = 0;
        for (int node = 1; node <= 2; node++) {
            ToolResult listed = inNamespace(node, "nft", "list", "table", "inet", LOSS_TABLE).timeout(COMMAND_LIMIT).run();
            java.util.regex.Matcher counter = java.util.regex.Pattern.compile("counter packets (\\d+)")
                    .matcher(listed.stdout());
            if (counter.find()) {
                dropped += Long.parseLong(counter.group(1));
            }
        }
        return dropped;
    }

    /** Whether the kernel has the netem queueing discipline (CONFIG_NET_SCH_NETEM; modules cannot be loaded here). */
    public boolean hasNetem() throws IOException, InterruptedException {
        ToolResult probe = inNamespace(1, "tc", "qdisc", "replace", "dev", vethName(1), "root", "netem", "delay", "0ms")
                .timeout(COMMAND_LIMIT).run();
        inNamespace(1, "tc", "qdisc", "del", "dev", vethName(1), "root").timeout(COMMAND_LIMIT).run();
        return probe.succeeded();
    }

    /** Removes the queueing discipline of {@link #impair} or {@link #degrade}, and the random loss. */
    public void clearImpairment() throws IOException, InterruptedException {
        for (int node = 1; node <= 2; node++) {
            inNamespace(node, "tc", "qdisc", "del", "dev", vethName(node), "root").timeout(COMMAND_LIMIT).run();
            inNamespace(node, "nft", "delete", "table", "inet", LOSS_TABLE).timeout(COMMAND_LIMIT).run();
        }
    }

    private void setRootQdisc(List<String> qdisc) throws IOException, InterruptedException {
        for (int node = 1; node <= 2; node++) {
            List<String> command = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", vethName(node), "root"));
            command.addAll(qdisc);
            ToolResult result = inNamespace(node, command).timeout(COMMAND_LIMIT).run();
            if (!result.succeeded()) {
                throw new IOException("cannot set the qdisc: " + result.describe());
            }
        }
    }

    public String prefix() {
        return prefix;
    }

    /** Deletes the namespaces; never throws, reports what it could not remove on standard error. */
    @Override
    public void close() {
        for (String namespace : namespaces) {
            NAMESPACES.delete(namespace);
        }
        namespaces.clear();
    }

    private static void requireNode(int node) {
        if (node != 1 && node != 2) {
            throw new IllegalArgumentException("node must be 1 or 2: " + node);
        }
    }
}
