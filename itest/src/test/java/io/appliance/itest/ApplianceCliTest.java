package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.ApplianceProcess;
import io.appliance.itest.harness.ProcessLogsOnFailure;
import io.appliance.itest.harness.RepositoryLayout;
import io.appliance.itest.harness.Tool;
import io.appliance.itest.harness.ToolResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command-line client ({@code java -jar appliance.jar ...}) against a running node, configured by environment. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplianceCliTest {

    private static final Duration CLI_LIMIT = Duration.ofSeconds(60);

    @RegisterExtension
    final ProcessLogsOnFailure logs = new ProcessLogsOnFailure();

    private ApplianceProcess appliance;

    @BeforeAll
    void startAppliance() throws IOException, InterruptedException {
        appliance = logs.watch(ApplianceProcess.startWithOpenTarget("16MiB"));
    }

    @AfterAll
    void stopAppliance() {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    void statusShowsTheNodeAndItsPortal(@TempDir Path workingDirectory) throws Exception {
        ToolResult status = cli(workingDirectory, appliance.token(), "status");

        assertThat(status.succeeded()).as(status.describe()).isTrue();
        assertThat(status.stdout()).as(status.describe()).contains("itest").contains("127.0.0.1:" + appliance.iscsiPort());
    }

    @Test
    void targetListShowsTheSeededTarget(@TempDir Path workingDirectory) throws Exception {
        ToolResult list = cli(workingDirectory, appliance.token(), "target", "list");

        assertThat(list.succeeded()).as(list.describe()).isTrue();
        assertThat(list.stdout()).as(list.describe()).contains(ApplianceProcess.DEFAULT_TARGET);
    }

    @Test
    void aWrongTokenExitsOneWithAOneLineError(@TempDir Path workingDirectory) throws Exception {
        ToolResult status = cli(workingDirectory, "not-the-token", "status");

        assertThat(status.exitCode()).as(status.describe()).isEqualTo(1);
        assertThat(status.stderr().strip()).as(status.describe()).isNotEmpty().doesNotContain("\n");
    }

    /** Runs the CLI from a directory with no state of its own, so only the environment points it at the node. */
    private ToolResult cli(Path workingDirectory, String token, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", RepositoryLayout.applianceJar().toString()));
        command.addAll(List.of(arguments));
        return Tool.of(command)
                .directory(workingDirectory)
                .environment("APPLIANCE_URL", appliance.restUrl().toString())
                .environment("APPLIANCE_TOKEN", token)
                .timeout(CLI_LIMIT)
                .run();
    }
}
