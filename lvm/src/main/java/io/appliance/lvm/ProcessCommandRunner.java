package io.appliance.lvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands as child processes, with {@code LC_ALL=C} (lvm2's messages are matched in
 * English) and {@code LVM_SUPPRESS_FD_WARNINGS=1} (the JVM leaks descriptors to its children,
 * which lvm2 would warn about on every call). Output goes to temporary files, so a chatty
 * command can never block on a full pipe.
 */
public final class ProcessCommandRunner implements CommandRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessCommandRunner.class);

    /** A report or error text larger than this is not lvm2 talking to us. */
    private static final long MAX_OUTPUT_BYTES = 64L * 1024 * 1024;
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    public ProcessCommandRunner() {
    }

    @Override
    public CommandResult run(List<String> command, Duration timeout) throws LvmException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        Path stdoutFile = null;
        Path stderrFile = null;
        try {
            stdoutFile = Files.createTempFile("appliance-cmd", ".out");
            stderrFile = Files.createTempFile("appliance-cmd", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(stdoutFile.toFile())
                    .redirectError(stderrFile.toFile());
            Map<String, String> environment = builder.environment();
            environment.put("LC_ALL", "C");
            environment.put("LVM_SUPPRESS_FD_WARNINGS", "1");
            Process process = start(builder, command.get(0));
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                throw new LvmException(LvmException.Reason.TIMEOUT, "`" + String.join(" ", command)
                        + "` did not finish within " + timeout + " and was killed; check `dmesg` and the devices"
                        + " for hung I/O, then `pvs`/`lvs` to see whether it took effect");
            }
            return new CommandResult(process.exitValue(), read(stdoutFile), read(stderrFile));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LvmException(LvmException.Reason.TIMEOUT,
                    "interrupted while waiting for `" + String.join(" ", command) + "`", e);
        } catch (IOException e) {
            throw new LvmException(LvmException.Reason.TOOL_FAILED,
                    "could not run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
        } finally {
            deleteQuietly(stdoutFile);
            deleteQuietly(stderrFile);
        }
    }

    private static Process start(ProcessBuilder builder, String program) throws LvmException {
        try {
            return builder.start();
        } catch (IOException e) {
            // ProcessBuilder reports a missing executable as an IOException naming errno 2 (ENOENT)
            if (String.valueOf(e.getMessage()).contains("error=2,")) {
                throw new LvmException(LvmException.Reason.TOOL_MISSING,
                        program + " is not installed (not found on PATH): apt-get install lvm2", e);
            }
            throw new LvmException(LvmException.Reason.TOOL_FAILED,
                    "could not start " + program + ": " + e.getMessage(), e);
        }
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(KILL_GRACE.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static String read(Path file) throws IOException {
        if (Files.size(file) > MAX_OUTPUT_BYTES) {
            throw new IOException("output larger than " + MAX_OUTPUT_BYTES + " bytes");
        }
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
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
