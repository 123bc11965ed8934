package io.appliance.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.heartbeat.HeartbeatImport;
import io.appliance.config.cluster.heartbeat.HeartbeatImporter;
import io.appliance.node.cli.ApplianceCli;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline converter ({@code cluster import-heartbeat}), the YAML renderer and the {@code heartbeat:} option on C1's examples. */
class HeartbeatImportTest {

    private static final String EXAMPLES = "/io/appliance/config/examples/heartbeat/";

    @TempDir
    Path directory;
    private Path haCf;
    private Path haresources;
    private Path authkeys;

    @BeforeEach
    void copyExamples() throws IOException {
        haCf = copy("ha.cf");
        haresources = copy("haresources");
        authkeys = copy("authkeys");
    }

    @Test
    void importHeartbeatPrintsClusterYamlThatReadsBackToTheSameDefinition() throws Exception {
        Result result = cli("cluster", "import-heartbeat", "--ha-cf", haCf.toString(), "--haresources",
                haresources.toString(), "--authkeys", authkeys.toString());
        assertThat(result.code).as(result.err).isZero();
        assertThat(result.out).startsWith("cluster:\n").contains("  resources:").contains("type: replicated-disk")
                .contains("secret: \"7f3c9e2a41d8b06e5c1f\"");
        assertThat(result.err).contains("warning: ");

        HeartbeatImport imported = HeartbeatImporter.importFiles(haCf, Optional.of(haresources), Optional.of(authkeys));
        ClusterDefinition readBack = ClusterConfigurationTest.definition("nodeName: node1\n" + result.out);
        assertThat(readBack).isEqualTo(imported.definition());
        assertThat(readBack.digest()).isEqualTo(imported.definition().digest());
    }

    @Test
    void aFileThatCannotBeImportedExits2WithFileAndLine() throws Exception {
        Files.writeString(haCf, Files.readString(haCf) + "crm yes\n");
        Result result = cli("cluster", "import-heartbeat", "--ha-cf", haCf.toString(), "--authkeys", authkeys.toString());
        assertThat(result.code).isEqualTo(2);
        assertThat(result.out).isEmpty();
        assertThat(result.err).startsWith(haCf + ":" + Files.readAllLines(haCf).size() + ": ").contains("CRM");
    }

    @Test
    void theHeartbeatOptionImportsAtStartAndTakesNameAndNodesFromTheYaml() throws Exception {
        HeartbeatImport imported = HeartbeatImporter.importFiles(haCf, Optional.of(haresources), Optional.of(authkeys));
        ClusterDefinition plain = ClusterConfigurationTest.definition("""
                nodeName: node1
                cluster:
                  heartbeat: {haCf: %s, haresources: %s, authkeys: %s}
                """.formatted(haCf, haresources, authkeys));
        assertThat(plain).isEqualTo(imported.definition());

        ClusterConfiguration configuration = ClusterConfigurationTest.parse("""
                nodeName: node1
                cluster:
                  name: ha-web
                  nodes:
                    - {name: node1, addresses: [10.0.0.1]}
                    - {name: node2, addresses: [10.0.0.2]}
                    - {name: quorum, role: witness, addresses: [10.0.0.3]}
                  heartbeat: {haCf: %s, haresources: %s, authkeys: %s}
                """.formatted(haCf, haresources, authkeys)).getCluster().orElseThrow();
        List<String> warnings = new ArrayList<>();
        ClusterDefinition withWitness = configuration.toDefinition(warnings);
        assertThat(withWitness.name()).isEqualTo("ha-web");
        assertThat(withWitness.nodes()).extracting(node -> node.name() + " " + node.addresses())
                .containsExactly("node1 [10.0.0.1]", "node2 [10.0.0.2]", "quorum [10.0.0.3]");
        assertThat(withWitness.resources()).isEqualTo(imported.definition().resources());
        assertThat(warnings).isNotEmpty();
    }

    @Test
    void aBrokenHeartbeatFileStopsTheStartNamingTheOption() throws Exception {
        Files.writeString(authkeys, "auth 1\n1 crc\n");
        assertThatThrownBy(() -> ClusterConfigurationTest.parse("""
                nodeName: node1
                cluster:
                  heartbeat: {haCf: %s, authkeys: %s}
                """.formatted(haCf, authkeys))).hasMessageContaining("cluster.heartbeat: " + authkeys + ":2: ");
    }

    private Path copy(String name) throws IOException {
        try (InputStream in = HeartbeatImportTest.class.getResourceAsStream(EXAMPLES + name)) {
            assertThat(in).as(name).isNotNull();
            Path file = directory.resolve(name);
            Files.copy(in, file);
            return file;
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ApplianceCli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void yamlScalarsAreQuotedWhenTheyAreNotPlainWords() {
        assertThat(ClusterYamlRenderer.scalar("node1")).isEqualTo("node1");
        assertThat(ClusterYamlRenderer.scalar("off")).isEqualTo("\"off\"");
        assertThat(ClusterYamlRenderer.scalar("a b")).isEqualTo("\"a b\"");
        assertThat(ClusterYamlRenderer.quoted("say \"hi\"\\\n")).isEqualTo("\"say \\\"hi\\\"\\\\\\n\"");
    }
}
