package io.appliance.itest.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One appliance JVM run inside a network namespace with {@code ip netns exec NS java -jar appliance.jar
 * server cfg.yml} ({@code ip} execs the JVM, so the process handle is the JVM's and {@link #kill()} is a
 * real {@code kill -9}), for the lab nodes ({@link ReplicaNode}, {@link ClusterNode}). Its directory
 * holds {@code cfg.yml}, the state directory and {@code appliance.log} (appended to across restarts).
 * REST is reached with curl inside the namespace on {@code 127.0.0.1:}{@link #REST_PORT}.
 */
final class NamespacedAppliance {

    static final int REST_PORT = 8080;
    static final Duration START_LIMIT = Duration.ofSeconds(60);
    static final Duration STOP_LIMIT = Duration.ofSeconds(20);
    static final Duration PROBE_LIMIT = Duration.ofSeconds(10);
    private static final Duration CLI_LIMIT = Duration.ofSeconds(60);

    private final String name;
    private final String namespace;
    private final Path directory;
    private final String heap;
    private final Function<List<String>, Tool> inNamespace;
    private Process process;
    private String token;

    /**
     * @param heap        the JVM's {@code -Xmx} value, such as {@code 384m}
     * @param inNamespace turns a command into one run inside the namespace
     */
    NamespacedAppliance(String name, String namespace, Path directory, String heap,
            Function<List<String>, Tool> inNamespace) {
        this.name = name;
        this.namespace = namespace;
        this.directory = directory;
        this.heap = heap;
        this.inNamespace = inNamespace;
    }

    Path stateDirectory() {
        return directory.resolve("state");
    }

    Path configFile() {
        return directory.resolve("cfg.yml");
    }

    Path logFile() {
        return directory.resolve("appliance.log");
    }

    /**
     * Starts the JVM and waits (at most {@link #START_LIMIT}) until {@code GET /api/v1/status} answers 200 and
     * {@code alsoReady} finds nothing missing (it returns what is missing, such as "iSCSI portal not listening").
     *
     * @throws IOException with the log's tail when the node does not come up; the JVM is then killed
     */
    void start(LoggedProcess owner, Function<NamespacedAppliance, Optional<String>> alsoReady)
            throws IOException, InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        Path jar = RepositoryLayout.applianceJar();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no appliance jar at " + jar + ": build it first (mvn -DskipTests install at the root)");
        }
        Files.createDirectories(stateDirectory());
        List<String> command = List.of("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-jar", jar.toString(), "server", configFile().toString());
        Files.writeString(logFile(), "===== started: " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        try {
            awaitServing(alsoReady);
        } catch (IOException | InterruptedException | RuntimeException e) {
            String tail = owner.logTail(60);
            kill();
            throw new IOException(name + " did not start: " + e.getMessage() + "\n--- " + logFile() + " (tail) ---\n"
                    + tail, e);
        }
    }

    /** {@code kill -9}: the JVM dies at once, with whatever it had in flight. Waits until it is gone. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " survived SIGKILL for " + STOP_LIMIT);
            }
        }
    }

    /** SIGTERM, then SIGKILL after {@link #STOP_LIMIT}. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            System.err.println(name + " ignored SIGTERM for " + STOP_LIMIT + "; killing it");
            kill();
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The REST API, reached with curl inside the namespace. */
    NamespaceRest rest() {
        if (token == null) {
            throw new IllegalStateException(name + " has not started");
        }
        return new NamespaceRest(namespace, REST_PORT, token);
    }

    /** The command-line client ({@code java -jar appliance.jar ARGS}) run inside the namespace, pointed at this node. */
    ToolResult cli(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", RepositoryLayout.applianceJar().toString()));
        command.addAll(List.of(arguments));
        return inNamespace.apply(command)
                .directory(directory)
                .environment("APPLIANCE_URL", "http://127.0.0.1:" + REST_PORT)
                .environment("APPLIANCE_TOKEN", token == null ? "" : token)
                .timeout(CLI_LIMIT)
                .run();
    }

    /**
     * Stops the node (SIGTERM, then SIGKILL) and keeps a copy of its log under {@code itest/target/appliance-logs/}
     * as {@code <labPrefix>-<name>.log}. Never throws.
     */
    void stopAndKeepLog(String labPrefix) {
        try {
            stop();
        } catch (InterruptedException | RuntimeException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (Files.isRegularFile(logFile())) {
                Path kept = RepositoryLayout.itestOutputDirectory().resolve("appliance-logs");
                Files.createDirectories(kept);
                Files.copy(logFile(), kept.resolve(labPrefix + "-" + name + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println(name + " log not kept: " + e);
        }
    }

    private void awaitServing(Function<NamespacedAppliance, Optional<String>> alsoReady)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        Path tokenFile = stateDirectory().resolve("api-token");
        String lastProblem = "nothing tried yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the node exited with status " + process.exitValue());
            }
            if (!Files.isRegularFile(tokenFile) || Files.readString(tokenFile).isBlank()) {
                lastProblem = "no token in " + tokenFile;
            } else {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
                try {
                    ApplianceRest.Response status = rest().send("GET", "/status", null, PROBE_LIMIT);
                    Optional<String> missing = status.status() == 200 ? alsoReady.apply(this) : Optional.empty();
                    if (status.status() == 200 && missing.isEmpty()) {
                        return;
                    }
                    lastProblem = missing.orElse("GET /api/v1/status: " + status.status() + " " + status.body());
                } catch (IOException notYet) {
                    lastProblem = notYet.getMessage();
                }
            }
            Thread.sleep(300);
        }
        throw new IOException("not serving within " + START_LIMIT + " (" + lastProblem + ")");
    }
}
