package io.appliance.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.scsi.ScsiTarget;
import io.appliance.node.ApplianceApplication;
import io.appliance.node.cli.ApplianceCli;
import io.appliance.node.config.ApplianceConfiguration;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole node with a {@code replication} section and a seeded LUN on r0 (not up at the first
 * start: no metadata yet), driven through the CLI ({@code replication} and its alias {@code drbdadm})
 * and the events stream.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationApplicationTest {

    private static final Path STATE = createStateDirectory();
    private static final String TARGET = "iqn.2026-11.io.appliance:r0";

    static final DropwizardAppExtension<ApplianceConfiguration> APP = new DropwizardAppExtension<>(
            new DropwizardTestSupport<>(ApplianceApplication.class, ResourceHelpers.resourceFilePath("replication-app-test.yml"),
                    ConfigOverride.config("stateDirectory", STATE.toString()),
                    ConfigOverride.config("replication.resources[0].hosts[0].address", "127.0.0.1:" + freePort()),
                    ConfigOverride.config("replication.resources[0].hosts[1].address", "127.0.0.1:" + freePort())));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterAll
    static void removeStateDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(STATE)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    @Order(1)
    void theSeededLunExistsBeforeTheResourceIsUpAndAResourceOfOtherNodesIsIgnored() {
        ApplianceApplication application = APP.getApplication();
        ScsiTarget scsi = (ScsiTarget) application.node().registry().find(TARGET).orElseThrow().device();
        assertThat(scsi.luns()).containsOnlyKeys(0);
        assertThat(scsi.luns().get(0).capacityBlocks()).isPositive();
        assertThat(application.node().replication().resources()).extracting(r -> r.name()).containsExactly("r0");
        assertThat(STATE.resolve("disks/r0.img")).hasSize(8L << 20);
    }

    @Test
    @Order(2)
    void theVerbsThroughTheCliAndItsDrbdadmAlias() throws Exception {
        assertThat(cli("drbdadm", "create-md", "r0")).isEqualTo("0\n");
        assertThat(cli("replication", "up", "r0")).isEqualTo("0\n");
        assertThat(cli("drbdadm", "status", "r0")).startsWith("0\nr0 role:Secondary\n  disk:Inconsistent\n  node2 connection:");

        String refused = cli("replication", "primary", "r0");
        assertThat(refused).startsWith("1\n").contains("error: r0: State change failed").contains("UpToDate");

        try (EventReader probe = new EventReader(stream("/api/v1/replication/events?now=true"))) {
            assertThat(probe.nextLine()).startsWith("exists ");
        }
        try (EventReader events = new EventReader(stream("/api/v1/replication/events"))) {
            assertThat(events.nextLine()).startsWith("exists ");
            String line = events.nextLine();
            while (!line.equals("exists -")) {
                line = events.nextLine();
            }
            assertThat(cli("replication", "primary", "--force", "r0")).isEqualTo("0\n");
            String change = events.nextLine();
            while (!change.contains("role:Primary")) {
                change = events.nextLine();
            }
            assertThat(change).startsWith("change ").contains("name:r0");
        }
        assertThat(cli("replication", "status", "--verbose")).startsWith("0\nr0 role:Primary\n  disk:UpToDate").contains("counters:");
        assertThat(cli("status")).contains("replication: r0 Primary/UpToDate Connecting node2");
        assertThat(cli("replication", "events", "--now")).startsWith("0\n").contains("exists resource name:r0");
        assertThat(cli("--json", "replication", "secondary", "r0")).startsWith("0\n").contains("\"role\" : \"Secondary\"");
        assertThat(cli("replication", "promote", "r0")).startsWith("1\n");
        assertThat(cli("replication", "up", "r9")).startsWith("1\n").contains("no replicated disk r9");
    }

    @Test
    @Order(3)
    void importResPrintsTheReplicationSectionOffline(@TempDir Path directory) throws IOException {
        Path res = directory.resolve("r5.res");
        Files.writeString(res, """
                resource r5 {
                  protocol A;
                  meta-disk internal;
                  device /dev/drbd5;
                  net { verify-alg sha1; }
                  on alpha { disk /dev/vg0/r5; address 10.0.0.1:7795; }
                  on beta { disk /dev/vg0/r5; address 10.0.0.2:7795; }
                }
                """);
        String printed = cliWith("replication", "import-res", res.toString());

        assertThat(printed).startsWith("0\nreplication:\n  resources:\n  - name: r5\n").contains("protocol: A")
                .contains("verify-alg: sha1").contains("address: 10.0.0.1:7795").contains("device: /dev/drbd5");
        assertThat(cliWith("replication", "import-res", directory.resolve("missing.res").toString())).startsWith("1\n");
    }

    private String cli(String... args) {
        String[] full = Stream.concat(Stream.of("--url", "http://127.0.0.1:" + APP.getLocalPort(), "--state-dir", STATE.toString()),
                Stream.of(args)).toArray(String[]::new);
        return cliWith(full);
    }

    private static String cliWith(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ApplianceCli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        return code + "\n" + out + (err.toString().isEmpty() ? "" : "\n" + err);
    }

    private InputStream stream(String path) throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                .header("Authorization", "Bearer " + Files.readString(STATE.resolve("api-token")).strip())
                .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Reads lines of a streamed answer, each within a bound. */
    private static final class EventReader implements AutoCloseable {
        private final InputStream body;
        private final BufferedReader reader;

        EventReader(InputStream body) {
            this.body = body;
            this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        String nextLine() throws Exception {
            var line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return reader.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String text = line.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(text).as("the stream ended").isNotNull();
            return text;
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createStateDirectory() {
        try {
            return Files.createTempDirectory("replication-app-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
