package io.appliance.cluster.fence;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.agent.ProcessCommandRunner;
import io.appliance.config.cluster.FenceAction;
import io.appliance.config.cluster.FenceDeviceDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real fence scripts in a temporary directory, run through the real process runner. */
class ExternalFenceDeviceTest {

    @TempDir
    Path directory;

    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    private Path script(String name, String body) throws Exception {
        Path script = directory.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private ExternalFenceDevice device(Path script, String arguments, Duration timeout, int retries) {
        return new ExternalFenceDevice(new FenceDeviceDefinition("ipmi", script + arguments, List.of("node2"),
                Map.of("ipaddr", "10.0.9.2", "login", "admin"), timeout, retries), runner);
    }

    @Test
    void successReadsTheConventionOnStandardInput() throws Exception {
        Path seen = directory.resolve("stdin.txt");
        Path args = directory.resolve("args.txt");
        Path script = script("fence_ok", "echo \"$@\" > " + args + "\ncat > " + seen + "\necho 'Success: Powered OFF'\n");

        FenceResult result = device(script, " --verbose", Duration.ofSeconds(10), 2).fence("node2", FenceAction.OFF);

        assertThat(result.outcome()).isEqualTo(FenceOutcome.SUCCESS);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.detail()).isEqualTo("exit code 0: Success: Powered OFF");
        assertThat(Files.readAllLines(seen)).containsExactly("action=off", "port=node2", "plug=node2",
                "nodename=node2", "ipaddr=10.0.9.2", "login=admin");
        assertThat(Files.readString(args).trim()).isEqualTo("--verbose");
    }

    @Test
    void rebootIsPassedAsSuch() throws Exception {
        Path seen = directory.resolve("stdin.txt");
        Path script = script("fence_ok", "cat > " + seen + "\n");

        device(script, "", Duration.ofSeconds(10), 0).fence("node2", FenceAction.REBOOT);

        assertThat(Files.readAllLines(seen)).startsWith("action=reboot");
    }

    @Test
    void aFailingDeviceIsRetriedThenReportsTheLastError() throws Exception {
        Path count = directory.resolve("count");
        Path script = script("fence_fail", "echo x >> " + count + "\necho 'Failed: Unable to obtain correct plug status'"
                + " >&2\nexit 1\n");

        FenceResult result = device(script, "", Duration.ofSeconds(10), 2).fence("node2", FenceAction.OFF);

        assertThat(result.outcome()).isEqualTo(FenceOutcome.FAILED);
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.detail()).isEqualTo("exit code 1: Failed: Unable to obtain correct plug status");
        assertThat(Files.readAllLines(count)).hasSize(3);
    }

    @Test
    void aRetryThatSucceedsEndsTheAttempts() throws Exception {
        Path count = directory.resolve("count");
        Path script = script("fence_flaky", "echo x >> " + count + "\n[ $(wc -l < " + count + ") -ge 2 ]\n");

        FenceResult result = device(script, "", Duration.ofSeconds(10), 5).fence("node2", FenceAction.OFF);

        assertThat(result.outcome()).isEqualTo(FenceOutcome.SUCCESS);
        assertThat(result.attempts()).isEqualTo(2);
    }

    @Test
    void aHangingDeviceTimesOutWithinTheBound() throws Exception {
        Path script = script("fence_hang", "sleep 60\n");
        long begin = System.nanoTime();

        FenceResult result = device(script, "", Duration.ofSeconds(1), 1).fence("node2", FenceAction.OFF);

        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        assertThat(result.outcome()).isEqualTo(FenceOutcome.TIMED_OUT);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.detail()).contains("did not finish within PT1S");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void aMissingCommandFailsWithTheFix() throws Exception {
        FenceResult result = device(directory.resolve("fence_absent"), "", Duration.ofSeconds(5), 0)
                .fence("node2", FenceAction.OFF);

        assertThat(result.outcome()).isEqualTo(FenceOutcome.FAILED);
        assertThat(result.detail()).contains("does not exist", "device ipmi");
    }

    @Test
    void canFenceOnlyItsNodesAndTheFactoryKeepsOrder() {
        FenceDeviceDefinition first = FenceDeviceDefinition.of("a", "/bin/true", List.of("node1"), Map.of());
        FenceDeviceDefinition second = FenceDeviceDefinition.of("b", "/bin/true", List.of("node2", "node3"), Map.of());

        List<FenceDevice> devices = FenceDevices.from(List.of(first, second), runner);

        assertThat(devices).extracting(FenceDevice::name).containsExactly("a", "b");
        assertThat(devices.get(0).canFence("node1")).isTrue();
        assertThat(devices.get(0).canFence("node2")).isFalse();
        assertThat(devices.get(1).canFence("node3")).isTrue();
    }
}
