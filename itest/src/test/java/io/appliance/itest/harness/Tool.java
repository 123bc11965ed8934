package io.appliance.itest.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command with a timeout and captures what it printed. Output goes to temporary
 * files while the command runs (no pipe can fill up and stall it); a command that outlives its
 * timeout is killed together with its descendants and reported as timed out.
 *
 * <pre>{@code
 * ToolResult ls = Tool.of("iscsi-ls", "-s", url).timeout(Duration.ofSeconds(30)).run();
 * }</pre>
 */
public final class Tool {

    /** How long a killed command may take to go away before it is abandoned. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(10);

    private final List<String> command;
    private Duration timeout = Duration.ofSeconds(60);
    private Path workingDirectory;
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Tool(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        this.command = List.copyOf(command);
    }

    public static Tool of(String... command) {
        return new Tool(List.of(command));
    }

    public static Tool of(List<String> command) {
        return new Tool(command);
    }

    /** The longest the command may run; the default is one minute. */
    public Tool timeout(Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + limit);
        }
        this.timeout = limit;
        return this;
    }

    public Tool directory(Path directory) {
        this.workingDirectory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /** Adds or replaces one variable of the inherited environment. */
    public Tool environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public List<String> command() {
        return command;
    }

    /**
     * Runs the command to completion or to its timeout.
     *
     * @throws IOException when the command cannot be started (for example: not installed)
     */
    public ToolResult run() throws IOException, InterruptedException {
        Path stdoutFile = Files.createTempFile("tool-out-", ".txt");
        Path stderrFile = Files.createTempFile("tool-err-", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                    .redirectOutput(stdoutFile.toFile())
                    .redirectError(stderrFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            builder.environment().putAll(environment);
            long started = System.nanoTime();
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!finished) {
                destroyTree(process);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            int exitCode = finished ? process.exitValue() : ToolResult.TIMED_OUT;
            return new ToolResult(command, exitCode, !finished, elapsed,
                    Files.readAllBytes(stdoutFile), Files.readAllBytes(stderrFile));
        } finally {
            Files.deleteIfExists(stdoutFile);
            Files.deleteIfExists(stderrFile);
        }
    }

    /** Runs the command and fails unless it exited 0 in time; for set-up steps, not for the behaviour under test. */
    public ToolResult runSuccessfully() throws IOException, InterruptedException {
        ToolResult result = run();
        if (!result.succeeded()) {
            throw new AssertionError("set-up command failed: " + result.describe());
        }
        return result;
    }

    static void destroyTree(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
}
