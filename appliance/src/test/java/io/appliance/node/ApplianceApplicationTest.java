package io.appliance.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appliance.node.cli.ApplianceCli;
import io.appliance.node.config.ApplianceConfiguration;
import io.appliance.node.lifecycle.ApplianceNode;
import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole node on ephemeral ports: iSCSI portal, REST API with token, health checks, and the CLI against it. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ApplianceApplicationTest {

    private static final Path STATE = createStateDirectory();
    private static final ByteArrayOutputStream CONSOLE = new ByteArrayOutputStream();
    private static final String TARGET = "iqn.2026-11.io.appliance:test";

    static final DropwizardAppExtension<ApplianceConfiguration> APP = new DropwizardAppExtension<>(
            new DropwizardTestSupport<>(ApplianceApplication.class, ResourceHelpers.resourceFilePath("app-test.yml"),
                    ConfigOverride.config("stateDirectory", STATE.toString())) {
                @Override
                public Application<ApplianceConfiguration> newApplication() {
                    return new ApplianceApplication(new PrintStream(CONSOLE, true, StandardCharsets.UTF_8));
                }
            });

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @AfterAll
    static void removeStateDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(STATE)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void theIscsiPortalAcceptsConnections() throws Exception {
        List<InetSocketAddress> bound = node().boundPortals();
        assertThat(bound).singleElement().satisfies(address -> assertThat(address.getPort()).isPositive());
        try (Socket socket = new Socket()) {
            socket.connect(bound.get(0), 5000);
            assertThat(socket.isConnected()).isTrue();
        }
        assertThat(node().registry().find(TARGET).orElseThrow().portals())
                .singleElement().satisfies(portal -> assertThat(portal.port()).isEqualTo(bound.get(0).getPort()));
    }

    @Test
    void statusListsTheSeededTargetAndBoundPortal() throws Exception {
        HttpResponse<String> response = get("/api/v1/status", token());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode status = json.readTree(response.body());
        assertThat(status.path("nodeName").asText()).isEqualTo("testnode");
        assertThat(status.path("version").asText()).isNotBlank();
        assertThat(status.path("targets").asInt()).isEqualTo(1);
        assertThat(status.path("portals").get(0).asText()).isEqualTo("127.0.0.1:" + node().boundPortals().get(0).getPort());
        assertThat(status.path("sessions").isArray()).isTrue();

        JsonNode targets = json.readTree(get("/api/v1/targets", token()).body());
        assertThat(targets.get(0).path("name").asText()).isEqualTo(TARGET);
        assertThat(targets.get(0).path("luns").get(0).asInt()).isZero();
        assertThat(STATE.resolve("luns/test-lun0.img")).exists();
    }

    @Test
    void theApiNeedsTheTokenFromTheOwnerOnlyFile() throws Exception {
        assertThat(get("/api/v1/status", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/status", "wrong").statusCode()).isEqualTo(401);
        assertThat(token()).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(STATE.resolve("api-token")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(STATE.resolve("appliance.db")))).isEqualTo("rw-------");
    }

    @Test
    void healthChecksAreHealthy() throws Exception {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + APP.getAdminPort() + "/admin/healthcheck")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        JsonNode checks = json.readTree(health.body());
        assertThat(checks.path("iscsi-portals").path("healthy").asBoolean()).isTrue();
        assertThat(checks.path("luns").path("healthy").asBoolean()).isTrue();
    }

    @Test
    void theBannerTellsHowToConnectAndShowsTheNewTokenOnce() throws Exception {
        String banner = CONSOLE.toString(StandardCharsets.UTF_8);
        int port = node().boundPortals().get(0).getPort();
        assertThat(banner)
                .contains("iscsiadm -m discovery -t st -p 127.0.0.1:" + port)
                .contains("iscsi-ls -s iscsi://127.0.0.1:" + port)
                .contains("iscsi://127.0.0.1:" + port + "/" + TARGET + "/0")
                .contains("http://127.0.0.1:" + APP.getLocalPort() + "/api/v1")
                .contains(STATE.resolve("api-token").toString())
                .contains(token());
        assertThat(banner.split(token(), -1)).hasSize(2);
    }

    @Test
    void theCliManagesTargetsLunsAndAcls() throws Exception {
        String target = "iqn.2026-11.io.appliance:cli";
        assertThat(cli("target", "create", target, "--alias", "from-cli")).startsWith("0\n").contains("alias:        from-cli");
        assertThat(cli("lun", "create", target, "--lun", "3", "--size", "2MiB")).startsWith("0\n").contains("size:       2MiB");
        assertThat(cli("acl", "create", target, "iqn.2026-11.io.appliance:host", "--chap-user", "host",
                "--chap-secret", "a-secret-of-16b!")).startsWith("0\n").contains("CHAP:         yes (host)").doesNotContain("a-secret-of-16b!");

        String luns = cli("lun", "list", target);
        assertThat(luns).startsWith("0\n").contains("LUN", "SIZE", "3", "2MiB");
        String listed = cli("--json", "target", "list");
        JsonNode targets = json.readTree(listed.substring(2));
        assertThat(targets).extracting(t -> t.path("name").asText()).contains(TARGET, target);
        assertThat(cli("acl", "list", target)).contains("iqn.2026-11.io.appliance:host").doesNotContain("a-secret-of-16b!");
        assertThat(cli("status")).startsWith("0\n").contains("node:      testnode").contains("targets:   2");

        assertThat(cli("acl", "delete", target, "iqn.2026-11.io.appliance:host")).startsWith("0\n");
        assertThat(cli("lun", "delete", target, "3", "--delete-file")).startsWith("0\n");
        assertThat(cli("target", "delete", target)).startsWith("0\n");
        assertThat(node().registry().find(target)).isEmpty();
    }

    @Test
    void cliErrorsAreOneLineWithExitCodeOne() throws Exception {
        String unknown = cli("target", "show", "iqn.2026-11.io.appliance:none");
        assertThat(unknown).isEqualTo("1\n\nerror: no target iqn.2026-11.io.appliance:none\n");
        String invalid = cli("lun", "create", TARGET, "--lun", "99999", "--size", "1MiB");
        assertThat(invalid).isEqualTo("1\n\nerror: field 'lun': must be 0..16383\n");
        String usage = cli("lun", "create", TARGET);
        assertThat(usage).startsWith("1\n\nerror: Missing required option: '--lun=N'").doesNotContain("\n\n\n");
        String noToken = cliWith(Map.of(), "--url", "http://127.0.0.1:" + APP.getLocalPort(), "--state-dir", "/nonexistent", "status");
        assertThat(noToken).startsWith("1\n\nerror: no API token");
        String wrongToken = cliWith(Map.of("APPLIANCE_TOKEN", "nope"), "--url", "http://127.0.0.1:" + APP.getLocalPort(), "status");
        assertThat(wrongToken).startsWith("1\n\nerror: send the header").contains("--token");
        String unreachable = cliWith(Map.of("APPLIANCE_TOKEN", "x"), "--url", "http://127.0.0.1:1", "status");
        assertThat(unreachable).startsWith("1\n\nerror: cannot reach the appliance");
    }

    private static ApplianceNode node() {
        return ((ApplianceApplication) APP.getApplication()).node();
    }

    /** Runs the CLI against the app; returns "exit\nstdout\nstderr" (stdout empty when nothing). */
    private String cli(String... args) throws IOException {
        String[] full = Stream.concat(Stream.of("--url", "http://127.0.0.1:" + APP.getLocalPort(), "--state-dir", STATE.toString()),
                Stream.of(args)).toArray(String[]::new);
        return cliWith(Map.of(), full);
    }

    private static String cliWith(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ApplianceCli.run(args, new PrintWriter(out), new PrintWriter(err), environment);
        return code + "\n" + out + (err.toString().isEmpty() ? "" : "\n" + err);
    }

    private String token() throws IOException {
        return Files.readString(STATE.resolve("api-token")).strip();
    }

    private HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path createStateDirectory() {
        try {
            return Files.createTempDirectory("appliance-app-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
