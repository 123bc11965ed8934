package io.appliance.itest.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cluster lab itself, without any appliance: links, cuts, clean-up and the fence agent. */
class ClusterLabTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @BeforeEach
    void usable() {
        ClusterLab.assumeUsable();
    }

    @Test
    void theClientReachesANodeAcrossTheLanBridgeUntilItsLinkIsCutAndCloseRemovesEverything() throws Exception {
        String prefix;
        try (ClusterLab lab = ClusterLab.create()) {
            prefix = lab.prefix();
            assertThat(ping(lab, ClusterLab.CLIENT, lab.lanAddress(ClusterLab.NODE1)).succeeded()).isTrue();
            assertThat(ping(lab, ClusterLab.WITNESS, lab.heartbeatAddress(ClusterLab.NODE2)).succeeded()).isTrue();
            assertThat(ping(lab, ClusterLab.NODE1, lab.replicationAddress(ClusterLab.NODE2)).succeeded()).isTrue();

            lab.cut(ClusterLab.NODE1, "lan");
            assertThat(ping(lab, ClusterLab.CLIENT, lab.lanAddress(ClusterLab.NODE1)).succeeded()).isFalse();
            assertThat(ping(lab, ClusterLab.CLIENT, lab.lanAddress(ClusterLab.NODE2)).succeeded()).isTrue();
            assertThat(ping(lab, ClusterLab.NODE1, lab.heartbeatAddress(ClusterLab.WITNESS)).succeeded())
                    .as("only the LAN link is cut").isTrue();
            lab.restore(ClusterLab.NODE1, "lan");
            assertThat(ping(lab, ClusterLab.CLIENT, lab.lanAddress(ClusterLab.NODE1)).succeeded()).isTrue();
        }
        String namespaces = Tool.of("ip", "netns", "list").timeout(LIMIT).runSuccessfully().stdout();
        assertThat(namespaces).doesNotContain(prefix + "-");
    }

    @Test
    void theFenceAgentKillsEverythingInTheNodeNamespaceAndRemovesTheVip() throws Exception {
        try (ClusterLab lab = ClusterLab.create()) {
            Process sleeper = new ProcessBuilder("ip", "netns", "exec", lab.namespace(ClusterLab.NODE2), "sleep", "300")
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            try {
                awaitPidsIn(lab.namespace(ClusterLab.NODE2));
                lab.inNamespace(ClusterLab.NODE2, "ip", "addr", "add", lab.vip() + "/24", "dev", "lan0")
                        .timeout(LIMIT).runSuccessfully();
                assertThat(lab.holdsAddress(ClusterLab.NODE2, "lan0", lab.vip())).isTrue();

                ToolResult monitor = fence(lab, "monitor", ClusterLab.NODE2);
                assertThat(monitor.succeeded()).as(monitor.describe()).isTrue();
                assertThat(fence(lab, "dance", ClusterLab.NODE2).exitCode()).isEqualTo(1);
                assertThat(sleeper.isAlive()).isTrue();

                ToolResult off = fence(lab, "off", ClusterLab.NODE2);
                assertThat(off.succeeded()).as(off.describe()).isTrue();
                assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).as("the sleeper in the fenced namespace died").isTrue();
                assertThat(lab.holdsAddress(ClusterLab.NODE2, "lan0", lab.vip())).isFalse();
                assertThat(lab.holdsAddress(ClusterLab.NODE2, "lan0", lab.lanAddress(ClusterLab.NODE2))).isTrue();
                List<String> log = Files.readAllLines(lab.fenceLog(), StandardCharsets.UTF_8);
                assertThat(log).hasSize(1);
                assertThat(log.get(0)).contains("off node2");
            } finally {
                sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** One ARP request answered (iputils arping; no ping is installed here): the two hosts share a working segment. */
    private static ToolResult ping(ClusterLab lab, String from, String to) throws Exception {
        String device = switch (to.split("\\.")[1]) {
            case "232" -> "lan0";
            case "233" -> "hb0";
            default -> "rep0";
        };
        return lab.inNamespace(from, "arping", "-c", "1", "-w", "2", "-I", device, to).timeout(LIMIT).run();
    }

    private static ToolResult fence(ClusterLab lab, String action, String node) throws Exception {
        Path input = Files.createTempFile(lab.directory(), "fence-input-", ".txt");
        Files.writeString(input, "action=" + action + "\nport=" + node + "\nlab_prefix=" + lab.prefix() + "\nvip="
                + lab.vip() + "/24\n", StandardCharsets.UTF_8);
        return Tool.of("bash", "-c", "exec \"$0\" < \"$1\"", lab.fenceAgent().toString(), input.toString())
                .timeout(LIMIT).run();
    }

    private static void awaitPidsIn(String namespace) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (Tool.of("ip", "netns", "pids", namespace).timeout(LIMIT).run().stdout().isBlank()) {
            assertThat(System.nanoTime()).as("a process appears in %s", namespace).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
