package io.appliance.cluster.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands as child processes with {@code LC_ALL=C} (tool messages are matched in English). Output goes
 * to temporary files, so a chatty command never blocks on a full pipe; at most {@link #MAX_OUTPUT_BYTES} of
 * each stream are kept. At the timeout, or when the calling thread is interrupted, the process and all its
 * descendants are killed.
 */
public final class ProcessCommandRunner implements CommandRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessCommandRunner.class);

    /** More output than this is not a tool answering us; the rest is dropped. */
    static final int MAX_OUTPUT_BYTES = 1024 * 1024;
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) throws InterruptedException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        Path stdoutFile = null;
        Path stderrFile = null;
        try {
            stdoutFile = Files.createTempFile("appliance-cluster-cmd", ".out");
            stderrFile = Files.createTempFile("appliance-cluster-cmd", ".err");
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(stdoutFile.toFile())
                    .redirectError(stderrFile.toFile());
            builder.environment().put("LC_ALL", "C");
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                // ProcessBuilder reports a missing executable as an IOException naming errno 2 (ENOENT)
                if (String.valueOf(e.getMessage()).contains("error=2,")) {
                    return CommandResult.notInstalled(argv, argv.get(0) + " was not found");
                }
                return CommandResult.notStarted(argv, "could not start " + argv.get(0) + ": " + e.getMessage());
            }
            try {
                feed(process, stdin);
                if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    killTree(process);
                    return CommandResult.timedOut(argv, read(stdoutFile), read(stderrFile));
                }
            } catch (InterruptedException e) {
                killTree(process);
                throw e;
            }
            return CommandResult.exited(argv, process.exitValue(), read(stdoutFile), read(stderrFile));
        } catch (IOException e) {
            return CommandResult.notStarted(argv, "could not run `" + String.join(" ", argv) + "`: " + e.getMessage());
        } finally {
            deleteQuietly(stdoutFile);
            deleteQuietly(stderrFile);
        }
    }

    /** Writes the (small) input and closes the pipe; a program that exits without reading it is no error. */
    private static void feed(Process process, String stdin) {
        try (OutputStream input = process.getOutputStream()) {
            if (!stdin.isEmpty()) {
                input.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            LOG.debug("{} did not read its standard input: {}", process.info().command().orElse("?"), e.getMessage());
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(KILL_GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn("process {} did not end within {} of SIGKILL", process.pid(), KILL_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("could not delete {}", file, e);
        }
    }
}
