package io.appliance.itest.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The two-namespace lab: the veth link carries traffic and can be cut, leftovers of dead runs are
 * removed, close removes everything, and an appliance node runs inside a namespace and answers
 * REST and iSCSI there.
 */
class NetworkLabTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    final NetworkLabExtension logs = new NetworkLabExtension();

    @Test
    void theLinkCarriesTrafficCanBeCutAndRestoredAndCloseRemovesTheNamespaces() throws Exception {
        List<String> namespaces;
        try (NetworkLab lab = NetworkLab.create()) {
            namespaces = List.of(lab.namespace(1), lab.namespace(2));
            assertThat(lab.vethName(1).length()).isLessThanOrEqualTo(15);
            assertThat(reaches(lab, 2, lab.address(1))).as("a connection over the link is refused by the peer's kernel").isTrue();

            lab.linkDown();
            assertThat(reaches(lab, 2, lab.address(1))).as("the peer answers over a cut link").isFalse();

            lab.linkUp();
            assertThat(reaches(lab, 2, lab.address(1))).as("a connection over the restored link").isTrue();
            if (lab.hasNetem()) {
                lab.impair("delay", "100ms");
                ToolResult delayed = connect(lab, 1, lab.address(2));
                assertThat(delayed.stderr()).as(delayed.describe()).contains("Connection refused");
                assertThat(delayed.elapsed()).as("SYN and RST through two 100 ms delays").isGreaterThanOrEqualTo(Duration.ofMillis(200));
            } else {
                assertThat(lab.degrade()).startsWith("tbf").endsWith("nft random loss 1%");
                assertThat(reaches(lab, 2, lab.address(1))).as("a connection over the slow link").isTrue();
                assertThat(lab.inNamespace(1, "nft", "list", "table", "inet", NetworkLab.LOSS_TABLE).run().stdout())
                        .contains("oifname \"" + lab.vethName(1) + "\" numgen random mod 100 < 1 counter packets");
            }
            lab.clearImpairment();
            assertThat(listNamespaces()).contains(namespaces.get(0), namespaces.get(1));
        }
        assertThat(listNamespaces()).doesNotContain(namespaces.get(0), namespaces.get(1));
    }

    @Test
    void namespacesOfADeadRunAreRemovedAndThoseOfALiveRunAreKept() throws Exception {
        long deadPid = deadPid();
        String leftover = NetworkLab.PREFIX_FAMILY + deadPid + "x1-n1";
        String live = NetworkLab.PREFIX_FAMILY + ProcessHandle.current().pid() + "x9999-n1";
        assertThat(NetworkLab.NAMESPACES.ownerPid(leftover)).contains(deadPid);
        assertThat(NetworkLab.NAMESPACES.ownerPid("somebody-else")).isEmpty();
        Tool.of("ip", "netns", "add", leftover).timeout(LIMIT).runSuccessfully();
        Tool.of("ip", "netns", "add", live).timeout(LIMIT).runSuccessfully();
        try {
            NetworkLab.NAMESPACES.removeLeftoversOfDeadRuns();
            assertThat(listNamespaces()).doesNotContain(leftover).contains(live);
        } finally {
            Tool.of("ip", "netns", "delete", leftover).timeout(LIMIT).run();
            Tool.of("ip", "netns", "delete", live).timeout(LIMIT).run();
        }
    }

    @Test
    void anApplianceNodeRunsInsideANamespaceAndAnswersRestAndIscsiThere() throws Exception {
        try (NetworkLab lab = NetworkLab.create()) {
            Path directory = Files.createTempDirectory("appliance-replica-" + lab.prefix() + "-single-");
            try (ReplicaNode node = logs.watch(new ReplicaNode(lab, 1, directory))) {
                Files.createDirectories(node.stateDirectory());
                Files.writeString(node.configFile(), NodeConfigFile.render(node.name(), node.stateDirectory(), directory,
                        ReplicaNode.ISCSI_PORT, ReplicaNode.REST_PORT, Map.of(),
                        List.of(SeedTarget.open(ApplianceProcess.DEFAULT_TARGET, new SeedTarget.SeedLun(0, "8MiB")))),
                        StandardCharsets.UTF_8);
                node.start();

                ApplianceRest.Response status = node.rest().get("/status");
                assertThat(status.status()).as(status.body()).isEqualTo(200);
                ToolResult inquiry = node.inNamespace("iscsi-inq", node.endpoint(ApplianceProcess.DEFAULT_TARGET, 0).lunUrl())
                        .timeout(LIMIT).run();
                assertThat(inquiry.succeeded()).as(inquiry.describe()).isTrue();

                node.kill();
                assertThat(node.isAlive()).isFalse();
            }
            assertThat(directory).doesNotExist();
        }
    }

    /**
     * Whether a TCP connection from node {@code from} to a closed port at {@code address} is refused:
     * the peer's kernel answered with a reset, so the path works (no listener is needed).
     */
    private static boolean reaches(NetworkLab lab, int from, String address) throws Exception {
        return connect(lab, from, address).stderr().contains("Connection refused");
    }

    private static ToolResult connect(NetworkLab lab, int from, String address) throws Exception {
        return lab.inNamespace(from, "timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + address + "/9").timeout(LIMIT).run();
    }

    private static List<String> listNamespaces() throws Exception {
        return Tool.of("ip", "netns", "list").timeout(LIMIT).runSuccessfully().stdout().lines()
                .map(line -> line.strip().split("\\s+")[0]).toList();
    }

    private static long deadPid() {
        for (long candidate = 4_000_000; ; candidate--) {
            if (ProcessHandle.of(candidate).isEmpty()) {
                return candidate;
            }
        }
    }
}
