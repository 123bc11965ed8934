package io.appliance.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appliance.iscsi.target.Portal;
import io.appliance.node.ApplianceApplication;
import io.appliance.node.cli.ApplianceCli;
import io.appliance.node.config.ApplianceConfiguration;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole node with a single-node cluster (one storage node, majority of 1, a Dummy resource):
 * the resource starts, and the REST API and the CLI show and drive it.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ClusterApplicationTest {

    private static final Path STATE = createStateDirectory();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CLUSTER_PORTAL_PORT = freePort();
    private static final Portal CLUSTER_PORTAL = new Portal("127.0.0.1", CLUSTER_PORTAL_PORT);

    static final DropwizardAppExtension<ApplianceConfiguration> APP = new DropwizardAppExtension<>(
            new DropwizardTestSupport<>(ApplianceApplication.class, ResourceHelpers.resourceFilePath("cluster-app-test.yml"),
                    ConfigOverride.config("stateDirectory", STATE.toString()),
                    ConfigOverride.config("cluster.port", String.valueOf(freePort())),
                    ConfigOverride.config("cluster.resources[1].params.port", String.valueOf(CLUSTER_PORTAL_PORT))));

    @AfterAll
    static void removeStateDirectory() throws IOException {
        // stop the node first: JUnit runs the extension's own stop only after this method
        APP.getTestSupport().after();
        try (Stream<Path> files = Files.walk(STATE)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void theSingleNodeClusterStartsItsResourceAndObeysStandbyAndOnline() throws Exception {
        Waits.until(Duration.ofSeconds(30), "d1 Started node1", () -> summary("d1").equals("Started node1"));
        JsonNode status = json("cluster", "status");
        assertThat(status.path("localNode").asText()).isEqualTo("node1");
        assertThat(status.path("coordinator").asText()).isEqualTo("node1");
        assertThat(status.path("quorate").asBoolean()).isTrue();
        assertThat(status.path("nodes").get(0).path("state").asText()).isEqualTo("online");
        assertThat(status.path("resources").get(0).path("states").path("node1").asText()).isEqualTo("STARTED");
        assertThat(STATE.resolve("cluster")).isDirectory();
        assertThat(summary("portal")).isEqualTo("Started node1");
        assertThat(sendTargetsPortals()).as("SendTargets advertises the cluster's portal").contains(CLUSTER_PORTAL);
        assertThat(APP.<ApplianceApplication>getApplication().node().portals()).contains("127.0.0.1:" + CLUSTER_PORTAL_PORT);

        assertThat(cli("cluster", "status", "--json")).startsWith("0\n{").contains("\"coordinator\" : \"node1\"");
        String crmMon = cli("crm_mon", "-1");
        assertThat(crmMon).startsWith("0\n").contains("Cluster Summary:").contains("d1").contains("Started node1");
        // the same view as crm_mon -1; each carries its own "Last updated" second
        assertThat(withoutLastUpdated(crmMon)).doesNotContain("Last updated").contains("Current DC: node1");
        assertThat(withoutLastUpdated(cli("cluster", "status"))).isEqualTo(withoutLastUpdated(crmMon));
        assertThat(cli("cluster", "events", "--now")).startsWith("0\n").contains(" node node1 online")
                .contains(" resource d1 Started node1");

        assertThat(cli("cluster", "standby", "node1")).startsWith("0\ndone (admin version ");
        Waits.until(Duration.ofSeconds(20), "d1 Stopped by the standby", () -> summary("d1").startsWith("Stopped"));
        assertThat(json("cluster", "status").path("nodes").get(0).path("state").asText()).isEqualTo("standby");
        assertThat(summary("portal")).startsWith("Stopped");
        assertThat(sendTargetsPortals()).doesNotContain(CLUSTER_PORTAL);
        assertThat(APP.<ApplianceApplication>getApplication().node().portals()).doesNotContain("127.0.0.1:" + CLUSTER_PORTAL_PORT);
        assertThat(cli("cluster", "online", "node1")).startsWith("0\ndone");
        Waits.until(Duration.ofSeconds(20), "d1 Started again", () -> summary("d1").equals("Started node1"));

        String unknown = cli("cluster", "standby", "node9");
        assertThat(unknown).startsWith("1\n").contains("no node node9 in the cluster");
    }

    private static String withoutLastUpdated(String crmMon) {
        return crmMon.replaceAll("(?m)^\\s*\\* Last updated: .*\\R", "");
    }

    private static List<Portal> sendTargetsPortals() {
        return APP.<ApplianceApplication>getApplication().node().registry().find("iqn.2026-11.io.appliance:cluster")
                .orElseThrow().portals();
    }

    private static String summary(String resource) throws IOException {
        for (JsonNode node : json("cluster", "status").path("resources")) {
            if (resource.equals(node.path("id").asText())) {
                return node.path("summary").asText();
            }
        }
        return "";
    }

    private static JsonNode json(String... args) throws IOException {
        String[] full = Stream.concat(Stream.of("--json"), Stream.of(args)).toArray(String[]::new);
        String output = cli(full);
        assertThat(output).startsWith("0\n");
        return MAPPER.readTree(output.substring(2));
    }

    private static String cli(String... args) {
        String[] full = Stream.concat(Stream.of("--url", "http://127.0.0.1:" + APP.getLocalPort(), "--state-dir",
                STATE.toString()), Stream.of(args)).toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ApplianceCli.run(full, new PrintWriter(out), new PrintWriter(err), Map.of());
        return code + "\n" + out + (err.toString().isEmpty() ? "" : "\n" + err);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createStateDirectory() {
        try {
            return Files.createTempDirectory("cluster-app-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
