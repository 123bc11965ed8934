package io.appliance.lvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {

    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void capturesExitStatusAndBothStreams() throws LvmException {
        CommandResult result = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));

        assertThat(result).isEqualTo(new CommandResult(3, "out\n", "err\n"));
        assertThat(result.succeeded()).isFalse();
    }

    @Test
    void runsWithCLocaleAndLvmFdWarningsSuppressed() throws LvmException {
        CommandResult result = runner.run(List.of("sh", "-c", "echo \"$LC_ALL $LVM_SUPPRESS_FD_WARNINGS\""),
                Duration.ofSeconds(10));

        assertThat(result.stdout()).isEqualTo("C 1\n");
    }

    @Test
    void standardInputIsAtEndOfFileSoPromptsGetTheirDefault() throws LvmException {
        CommandResult result = runner.run(List.of("sh", "-c", "read answer; echo \"read exit $? [$answer]\""),
                Duration.ofSeconds(10));

        assertThat(result.stdout()).isEqualTo("read exit 1 []\n");
    }

    @Test
    void argumentsAreNeverInterpretedByAShell() throws LvmException {
        CommandResult result = runner.run(List.of("echo", "$(id)", "a;b", "*"), Duration.ofSeconds(10));

        assertThat(result.stdout()).isEqualTo("$(id) a;b *\n");
    }

    @Test
    void missingProgramIsToolMissing() {
        LvmTest.assertFails(() -> runner.run(List.of("aplvmtest-no-such-tool", "version"), Duration.ofSeconds(10)),
                LvmException.Reason.TOOL_MISSING, "aplvmtest-no-such-tool is not installed");
    }

    @Test
    void killsCommandThatOutlivesItsTimeout(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        long started = System.nanoTime();

        LvmTest.assertFails(() -> runner.run(List.of("sh", "-c", "echo $$ > " + pidFile + "; exec sleep 60"),
                Duration.ofMillis(500)), LvmException.Reason.TIMEOUT, "did not finish within PT0.5S and was killed");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Optional<ProcessHandle> sleeper = ProcessHandle.of(pid);
        assertThat(sleeper.map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void decodesOutputThatIsNotValidUtf8WithoutFailing() throws LvmException {
        CommandResult result = runner.run(List.of("printf", "a\\377b"), Duration.ofSeconds(10));

        assertThat(result.stdout()).startsWith("a").endsWith("b").hasSize(3);
    }
}
