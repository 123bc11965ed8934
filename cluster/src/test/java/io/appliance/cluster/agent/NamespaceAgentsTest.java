package io.appliance.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appliance.config.cluster.PrimitiveDefinition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IPaddr2 and portblock agents against the real kernel, as root, in two network namespaces of their own
 * joined by a veth pair: "node" (where the agents act, through {@code ip netns exec}) and "client".
 */
class NamespaceAgentsTest {

    private static final String PREFIX = "c4t" + ProcessHandle.current().pid();
    private static final String NODE = PREFIX + "n";
    private static final String CLIENT = PREFIX + "c";
    private static final String NODE_LINK = PREFIX + "x";
    private static final String CLIENT_LINK = PREFIX + "y";
    private static final String VIP = "10.213.0.100";
    private static final Duration TOOL = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProcessCommandRunner host = new ProcessCommandRunner();
    private final List<Process> processes = new ArrayList<>();
    private AgentRegistry registry;

    @TempDir
    Path stateDirectory;

    /** Runs every command inside the node's namespace. */
    private record NamespaceRunner(String namespace, CommandRunner inner) implements CommandRunner {
        @Override
        public CommandResult run(List<String> argv, String stdin, Duration timeout) throws InterruptedException {
            List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
            wrapped.addAll(argv);
            return inner.run(wrapped, stdin, timeout);
        }
    }

    @BeforeEach
    void createNamespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String tool : List.of("ip", "nft", "arping")) {
            assumeTrue(host.run(List.of("sh", "-c", "command -v " + tool), TOOL).succeeded(), tool + " is not installed");
        }
        deleteNamespaces();
        sh("ip netns add " + NODE);
        sh("ip netns add " + CLIENT);
        sh("ip link add " + NODE_LINK + " netns " + NODE + " type veth peer name " + CLIENT_LINK + " netns " + CLIENT);
        sh("ip -n " + NODE + " link set lo up");
        sh("ip -n " + CLIENT + " link set lo up");
        sh("ip -n " + NODE + " link set " + NODE_LINK + " up");
        sh("ip -n " + CLIENT + " link set " + CLIENT_LINK + " up");
        sh("ip -n " + NODE + " addr add 10.213.0.1/24 dev " + NODE_LINK);
        sh("ip -n " + CLIENT + " addr add 10.213.0.2/24 dev " + CLIENT_LINK);
        // let the client learn neighbours from unsolicited ARP, so the announcement is visible there
        sh("ip netns exec " + CLIENT + " sysctl -qw net.ipv4.conf." + CLIENT_LINK + ".arp_accept=1");
        registry = new AgentRegistry(BuiltinAgents.factories(stateDirectory, new NamespaceRunner(NODE, host)));
    }

    @AfterEach
    void deleteNamespaces() throws Exception {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        processes.clear();
        host.run(List.of("ip", "netns", "del", NODE), TOOL);
        host.run(List.of("ip", "netns", "del", CLIENT), TOOL);
    }

    @Test
    void ipAddr2AddsAnnouncesAndRemovesTheAddress() throws Exception {
        IpAddr2Agent agent = (IpAddr2Agent) registry.create(PrimitiveDefinition.of("vip", "IPaddr2",
                Map.of("ip", VIP, "cidr_netmask", "24", "arp_count", "2")));

        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(agent.start()).isEqualTo(AgentResult.ok());

        assertThat(nodeAddresses()).contains(VIP + "/24");
        assertThat(agent.monitor()).isEqualTo(AgentResult.ok());
        CommandResult announcement = agent.lastAnnouncement().get(15, TimeUnit.SECONDS);
        assertThat(announcement.succeeded()).as(announcement.describe()).isTrue();
        String nodeMac = linkAddress();
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(sh("ip -n " + CLIENT + " neigh show " + VIP)).contains("lladdr " + nodeMac));

        assertThat(agent.start().status()).isEqualTo(OcfStatus.OK);
        assertThat(agent.lastAnnouncement().get(15, TimeUnit.SECONDS).succeeded()).isTrue();
        assertThat(agent.stop()).isEqualTo(AgentResult.ok());
        assertThat(nodeAddresses()).doesNotContain(VIP + "/24").contains("10.213.0.1/24");
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(agent.stop().status()).isEqualTo(OcfStatus.OK);
    }

    @Test
    void portblockDropsTheBlockedPortOnlyUntilUnblocked() throws Exception {
        assumeTrue(host.run(List.of("sh", "-c", "command -v python3"), TOOL).succeeded(), "python3 for the listener");
        sh("ip -n " + NODE + " addr add " + VIP + "/24 dev " + NODE_LINK);
        listen(VIP, 3260, 3261);
        Map<String, String> params = Map.of("ip", VIP, "portno", "3260", "protocol", "tcp");
        ResourceAgent block = registry.create(PrimitiveDefinition.of("pb_block", "portblock", with(params, "block")));
        ResourceAgent unblock = registry.create(PrimitiveDefinition.of("pb_unblock", "portblock", with(params, "unblock")));
        assertThat(connect(3260)).isEqualTo(0);

        assertThat(block.start()).isEqualTo(AgentResult.ok());

        assertThat(block.monitor()).isEqualTo(AgentResult.ok());
        long begin = System.nanoTime();
        int blocked = connect(3260);
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        assertThat(blocked).as("the connection attempt hangs (dropped, not refused) until timeout(1) ends it")
                .isEqualTo(124);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900)).isLessThan(Duration.ofSeconds(8));
        assertThat(connect(3261)).isEqualTo(0);

        assertThat(unblock.start()).isEqualTo(AgentResult.ok());
        assertThat(connect(3260)).isEqualTo(0);
        assertThat(block.stop()).isEqualTo(AgentResult.ok());
        assertThat(block.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(unblock.stop()).isEqualTo(AgentResult.ok());
        assertThat(connect(3260)).isEqualTo(124);
        assertThat(block.stop()).isEqualTo(AgentResult.ok());
        assertThat(connect(3260)).isEqualTo(0);
        assertThat(new NftCommand(new NamespaceRunner(NODE, host), TOOL).rules()).isEmpty();
    }

    private static Map<String, String> with(Map<String, String> params, String action) {
        Map<String, String> all = new HashMap<>(params);
        all.put("action", action);
        return all;
    }

    /** Connects from the client namespace; 0 = connected, 124 = still hanging after 2 s. */
    private int connect(int port) throws Exception {
        CommandResult result = host.run(List.of("ip", "netns", "exec", CLIENT, "timeout", "2", "bash", "-c",
                "exec 3<>/dev/tcp/" + VIP + "/" + port), TOOL);
        assertThat(result.outcome()).isEqualTo(CommandResult.Outcome.EXITED);
        return result.exitCode();
    }

    private void listen(String address, int... ports) throws Exception {
        StringBuilder script = new StringBuilder("import socket, sys, time\nsockets = []\n");
        for (int port : ports) {
            script.append("s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('")
                    .append(address).append("', ").append(port).append(")); s.listen(16); sockets.append(s)\n");
        }
        script.append("print('ready', flush=True)\ntime.sleep(120)\n");
        Process process = new ProcessBuilder("ip", "netns", "exec", NODE, "python3", "-c", script.toString())
                .redirectErrorStream(true).start();
        processes.add(process);
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                return output.readLine();
            } catch (IOException e) {
                return "failed: " + e.getMessage();
            }
        });
        assertThat(ready.get(10, TimeUnit.SECONDS)).isEqualTo("ready");
    }

    private List<String> nodeAddresses() throws Exception {
        JsonNode links = JSON.readTree(sh("ip -n " + NODE + " -j addr show dev " + NODE_LINK));
        List<String> addresses = new ArrayList<>();
        for (JsonNode info : links.get(0).path("addr_info")) {
            addresses.add(info.path("local").asText() + "/" + info.path("prefixlen").asInt());
        }
        return addresses;
    }

    private String linkAddress() throws Exception {
        return JSON.readTree(sh("ip -n " + NODE + " -j link show dev " + NODE_LINK)).get(0).path("address").asText();
    }

    private String sh(String commandLine) throws Exception {
        CommandResult result = host.run(List.of(commandLine.split(" ")), TOOL);
        assertThat(result.succeeded()).as(result.describe()).isTrue();
        return result.stdout();
    }
}
