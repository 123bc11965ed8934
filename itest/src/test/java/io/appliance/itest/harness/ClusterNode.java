package io.appliance.itest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One appliance JVM of an {@link ApplianceCluster}, run in its {@link ClusterLab} namespace with
 * {@code ip netns exec NS java -Xmx384m -jar appliance.jar server cfg.yml} (so the process handle is
 * the JVM's and {@link #kill()} is a real {@code kill -9}). REST listens on
 * {@code 127.0.0.1:}{@link #REST_PORT} and the local portal on {@code 127.0.0.1:}{@link #ISCSI_PORT}
 * inside the namespace. The log ({@code appliance.log}) is appended across restarts and copied to
 * {@code itest/target/appliance-logs/} by {@link #close()}.
 */
public final class ClusterNode implements LoggedProcess, AutoCloseable {

    public static final int ISCSI_PORT = 3260;
    public static final int REST_PORT = 8080;
    public static final int REPLICATION_PORT = 7789;
    public static final Duration START_LIMIT = Duration.ofSeconds(60);
    public static final Duration STOP_LIMIT = Duration.ofSeconds(20);
    private static final Duration PROBE_LIMIT = Duration.ofSeconds(10);
    private static final Duration CLI_LIMIT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final ClusterLab lab;
    private final String name;
    private final Path directory;
    private Process process;
    private String token;

    ClusterNode(ClusterLab lab, String name, Path directory) {
        this.lab = lab;
        this.name = name;
        this.directory = directory;
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return lab.namespace(name);
    }

    public Path directory() {
        return directory;
    }

    public Path stateDirectory() {
        return directory.resolve("state");
    }

    public Path configFile() {
        return directory.resolve("cfg.yml");
    }

    /** r0's backing file (storage nodes of a replicated cluster). */
    public Path backingFile() {
        return directory.resolve("r0-backing.img");
    }

    /** Starts the JVM and waits (at most {@link #START_LIMIT}) until {@code GET /api/v1/status} answers 200. */
    public void start() throws IOException, InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        Path jar = RepositoryLayout.applianceJar();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no appliance jar at " + jar + ": build it first (mvn -DskipTests install at the root)");
        }
        Files.createDirectories(stateDirectory());
        List<String> command = List.of("ip", "netns", "exec", namespace(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-jar", jar.toString(), "server", configFile().toString());
        Files.writeString(logFile(), "===== started: " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        try {
            awaitServing();
        } catch (IOException | InterruptedException | RuntimeException e) {
            String tail = logTail(60);
            kill();
            throw new IOException(name + " did not start: " + e.getMessage() + "\n--- " + logFile() + " (tail) ---\n" + tail, e);
        }
    }

    /** {@code kill -9}; waits until the JVM is gone. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " survived SIGKILL for " + STOP_LIMIT);
            }
        }
    }

    /** SIGTERM (a clean leave), then SIGKILL after {@link #STOP_LIMIT}. */
    public void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            System.err.println(name + " ignored SIGTERM for " + STOP_LIMIT + "; killing it");
            kill();
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public NamespaceRest rest() {
        if (token == null) {
            throw new IllegalStateException(name + " has not started");
        }
        return new NamespaceRest(namespace(), REST_PORT, token);
    }

    public ReplicationClient replication(String resource) {
        return new ReplicationClient(name, rest(), resource);
    }

    /** {@code GET /api/v1/cluster}; fails unless it answers 200. */
    public JsonNode status() throws IOException, InterruptedException {
        return rest().get("/cluster").expect(200);
    }

    /** {@code GET /api/v1/cluster/status}: the crm_mon style text. */
    public String statusText() throws IOException, InterruptedException {
        ApplianceRest.Response response = rest().getText("/cluster/status");
        if (response.status() != 200) {
            throw new AssertionError(name + ": " + response.request() + " -> " + response.status() + ": " + response.body());
        }
        return response.body();
    }

    /** {@link #statusText()}, or why there is none; never throws, for reports. */
    public String statusTextOrWhy() {
        try {
            return statusText();
        } catch (IOException | AssertionError | RuntimeException e) {
            return "(no status from " + name + ": " + e.getMessage() + ")\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)\n";
        }
    }

    /** Polls {@link #status()} until {@code condition} holds, at most {@code limit}; fails with the last status otherwise. */
    public JsonNode awaitStatus(String description, Duration limit, Predicate<JsonNode> condition)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "none";
        while (true) {
            try {
                JsonNode status = status();
                if (condition.test(status)) {
                    return status;
                }
                last = status.toString();
            } catch (IOException | AssertionError e) {
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": cluster not " + description + " within " + limit + "; last status: "
                        + last + "\n" + statusTextOrWhy());
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** A POST to the cluster API (such as {@code /cluster/nodes/node1/standby}). */
    public ApplianceRest.Response post(String path, Object body) throws IOException, InterruptedException {
        return rest().send("POST", path, body, Duration.ofSeconds(20));
    }

    public Tool inNamespace(String... command) {
        return lab.inNamespace(name, command);
    }

    /** The command-line client ({@code java -jar appliance.jar ARGS}) run inside the namespace, pointed at this node. */
    public ToolResult cli(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", RepositoryLayout.applianceJar().toString()));
        command.addAll(List.of(arguments));
        return lab.inNamespace(name, command)
                .directory(directory)
                .environment("APPLIANCE_URL", "http://127.0.0.1:" + REST_PORT)
                .environment("APPLIANCE_TOKEN", token == null ? "" : token)
                .timeout(CLI_LIMIT)
                .run();
    }

    @Override
    public String displayName() {
        return name + " in " + namespace();
    }

    @Override
    public Path logFile() {
        return directory.resolve("appliance.log");
    }

    /** Stops the node (SIGTERM, then SIGKILL), keeps a copy of its log. Never throws. */
    @Override
    public void close() {
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
                Files.copy(logFile(), kept.resolve(lab.prefix() + "-" + name + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println(name + " log not kept: " + e);
        }
    }

    private void awaitServing() throws IOException, InterruptedException {
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
                    if (status.status() == 200) {
                        return;
                    }
                    lastProblem = "GET /api/v1/status: " + status.status() + " " + status.body();
                } catch (IOException notYet) {
                    lastProblem = notYet.getMessage();
                }
            }
            Thread.sleep(300);
        }
        throw new IOException("not serving within " + START_LIMIT + " (" + lastProblem + ")");
    }
}
