package io.appliance.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {

    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @TempDir
    Path directory;

    @Test
    void capturesExitCodeAndBothStreams() throws Exception {
        CommandResult result = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));

        assertThat(result.outcome()).isEqualTo(CommandResult.Outcome.EXITED);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.describe()).isEqualTo("`sh -c echo out; echo err >&2; exit 3` exit code 3: err");
    }

    @Test
    void writesStandardInput() throws Exception {
        CommandResult result = runner.run(List.of("cat"), "a=1\nb=2\n", Duration.ofSeconds(10));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("a=1\nb=2\n");
    }

    @Test
    void aMissingProgramIsNotInstalled() throws Exception {
        CommandResult result = runner.run(List.of("/nonexistent/tool-c4", "x"), Duration.ofSeconds(10));

        assertThat(result.outcome()).isEqualTo(CommandResult.Outcome.NOT_INSTALLED);
    }

    @Test
    void theTimeoutKillsTheWholeProcessTree() throws Exception {
        Path pidFile = directory.resolve("child.pid");
        long begin = System.nanoTime();

        CommandResult result = runner.run(List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; wait"),
                Duration.ofMillis(500));

        assertThat(result.outcome()).isEqualTo(CommandResult.Outcome.TIMED_OUT);
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(5));
        long child = Long.parseLong(Files.readString(pidFile).trim());
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void interruptionKillsTheProcessAndIsRethrown() throws Exception {
        Path pidFile = directory.resolve("sleeper.pid");
        CompletableFuture<CommandResult> run = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                run.complete(runner.run(List.of("sh", "-c", "echo $$ > " + pidFile + "; exec sleep 60"),
                        Duration.ofSeconds(60)));
            } catch (Throwable e) {
                run.completeExceptionally(e);
            }
        });
        thread.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile)
                    && !Files.readString(pidFile).isBlank());
            thread.interrupt();
            assertThatThrownBy(() -> run.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(InterruptedException.class);
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        } finally {
            thread.interrupt();
            thread.join(5000);
        }
    }
}
