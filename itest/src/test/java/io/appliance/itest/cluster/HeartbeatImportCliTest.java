package io.appliance.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.RepositoryLayout;
import io.appliance.itest.harness.Tool;
import io.appliance.itest.harness.ToolResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code appliance cluster import-heartbeat}: a Heartbeat v1 configuration (ha.cf, haresources,
 * authkeys) becomes a {@code cluster:} section that the appliance's own {@code check} accepts; an
 * authkeys with {@code crc} (no authentication) is refused with the file, line and the fix. The jar
 * is run directly (what {@code bin/appliance} execs), so the test never triggers the script's rebuild.
 */
class HeartbeatImportCliTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String HA_CF = """
            keepalive 500ms
            warntime 1
            deadtime 2
            initdead 10
            udpport 694
            ucast eth1 10.0.0.2
            auto_failback off
            node node1 node2
            """;
    private static final String HARESOURCES = "node1 IPaddr::10.0.0.100/24/eth0 drbddisk::r0\n";

    @Test
    void theImportedSectionIsAcceptedByTheAppliance(@TempDir Path scratch) throws Exception {
        Path haCf = write(scratch.resolve("ha.cf"), HA_CF);
        Path haresources = write(scratch.resolve("haresources"), HARESOURCES);
        Path authkeys = write(scratch.resolve("authkeys"), "auth 1\n1 sha1 a-long-enough-shared-secret\n");
        ToolResult imported = cli("cluster", "import-heartbeat", "--ha-cf", haCf.toString(), "--haresources",
                haresources.toString(), "--authkeys", authkeys.toString());
        assertThat(imported.succeeded()).as(imported.describe()).isTrue();
        String section = imported.stdout();
        assertThat(section).startsWith("cluster:").contains("node1", "node2", "10.0.0.100", "r0");

        Path config = scratch.resolve("cfg.yml");
        Files.writeString(config, "nodeName: node1\nstateDirectory: \"" + scratch.resolve("state") + "\"\n"
                + replicationFor(scratch) + section, StandardCharsets.UTF_8);
        ToolResult check = cli("check", config.toString());
        assertThat(check.succeeded()).as("the appliance accepts the imported section:\n%s\n%s", section, check.describe())
                .isTrue();
    }

    @Test
    void crcAuthkeysAreRefusedWithTheFileAndTheFix(@TempDir Path scratch) throws Exception {
        Path haCf = write(scratch.resolve("ha.cf"), HA_CF);
        Path authkeys = write(scratch.resolve("authkeys"), "auth 1\n1 crc\n");
        ToolResult imported = cli("cluster", "import-heartbeat", "--ha-cf", haCf.toString(), "--authkeys", authkeys.toString());
        assertThat(imported.exitCode()).as(imported.describe()).isEqualTo(2);
        assertThat(imported.stderr()).contains("authkeys:2:").contains("crc").contains("sha1");
    }

    /** The imported group uses drbddisk r0: the node needs that replication resource for {@code check} to pass. */
    private static String replicationFor(Path scratch) {
        return "replication:\n  autoUp: false\n  resources:\n    - name: \"r0\"\n      hosts:\n"
                + "        - {name: \"node1\", disk: \"" + scratch.resolve("r0-1.img") + "\", address: \"10.0.0.1:7789\", meta-disk: \"internal\"}\n"
                + "        - {name: \"node2\", disk: \"" + scratch.resolve("r0-2.img") + "\", address: \"10.0.0.2:7789\", meta-disk: \"internal\"}\n";
    }

    private static Path write(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static ToolResult cli(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", RepositoryLayout.applianceJar().toString()));
        command.addAll(List.of(arguments));
        return Tool.of(command).timeout(LIMIT).run();
    }
}
