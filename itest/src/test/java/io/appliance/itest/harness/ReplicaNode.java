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
import java.util.concurrent.TimeUnit;

/**
 * One appliance node of a {@link ReplicatedPair}, run inside its network namespace with
 * {@code ip netns exec NS java -jar appliance.jar server cfg.yml} ({@code ip} execs the JVM, so the
 * process handle is the JVM's and {@link #kill()} is a real {@code kill -9} of the node). Its
 * directory holds the configuration, the state directory, the backing file and {@code appliance.log}
 * (appended to across restarts). Inside the namespace the iSCSI portal listens on
 * {@code 127.0.0.1:}{@link #ISCSI_PORT}, REST on {@code 127.0.0.1:}{@link #REST_PORT} and the
 * replication link on the lab address, port {@link #REPLICATION_PORT}. The node can be killed and
 * started again on the same directory; {@link #close()} stops it and deletes the directory,
 * keeping a copy of the log under {@code itest/target/appliance-logs/}.
 */
public final class ReplicaNode implements LoggedProcess, AutoCloseable {

    public static final int ISCSI_PORT = 3260;
    public static final int REST_PORT = 8080;
    public static final int REPLICATION_PORT = 7789;
    public static final Duration START_LIMIT = Duration.ofSeconds(60);
    public static final Duration STOP_LIMIT = Duration.ofSeconds(20);
    private static final Duration PROBE_LIMIT = Duration.ofSeconds(10);
    private static final Duration CLI_LIMIT = Duration.ofSeconds(60);

    private final NetworkLab lab;
    private final int index;
    private final Path directory;
    private Process process;
    private String token;

    ReplicaNode(NetworkLab lab, int index, Path directory) {
        this.lab = lab;
        this.index = index;
        this.directory = directory;
    }

    /** {@code node1} or {@code node2}: the name in the configuration's {@code nodeName} and the resource's hosts. */
    public String name() {
        return "node" + index;
    }

    public int index() {
        return index;
    }

    public String namespace() {
        return lab.namespace(index);
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

    /** The replicated disk's backing file on this node (internal metadata at its end). */
    public Path backingFile() {
        return directory.resolve("r-backing.img");
    }

    /** The LUN as seen from inside this node's namespace. */
    public IscsiEndpoint endpoint(String targetName, int lun) {
        return new IscsiEndpoint("127.0.0.1", ISCSI_PORT, targetName, lun);
    }

    /** Starts the JVM in the namespace and waits (at most {@link #START_LIMIT}) until REST and iSCSI answer. */
    public void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name() + " is running");
        }
        Path jar = RepositoryLayout.applianceJar();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no appliance jar at " + jar + ": build it first (mvn -DskipTests install at the root)");
        }
        Files.createDirectories(stateDirectory());
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString(), "server", configFile().toString()));
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
            throw new IOException(name() + " did not start: " + e.getMessage() + "\n--- " + logFile() + " (tail) ---\n" + tail, e);
        }
    }

    /** {@code kill -9}: the JVM dies at once, with whatever it had in flight. Waits until it is gone. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name() + " survived SIGKILL for " + STOP_LIMIT);
            }
        }
    }

    /** SIGTERM, then SIGKILL after {@link #STOP_LIMIT}. */
    public void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            System.err.println(name() + " ignored SIGTERM for " + STOP_LIMIT + "; killing it");
            kill();
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The REST API, reached with curl inside the namespace. */
    public NamespaceRest rest() {
        if (token == null) {
            throw new IllegalStateException(name() + " has not started");
        }
        return new NamespaceRest(namespace(), REST_PORT, token);
    }

    /** The replication verbs and status of resource {@code resource} on this node. */
    public ReplicationClient replication(String resource) {
        return new ReplicationClient(name(), rest(), resource);
    }

    /** A command run inside this node's namespace. */
    public Tool inNamespace(String... command) {
        return lab.inNamespace(index, command);
    }

    /** The command-line client ({@code java -jar appliance.jar ARGS}) run inside the namespace, pointed at this node. */
    public ToolResult cli(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", RepositoryLayout.applianceJar().toString()));
        command.addAll(List.of(arguments));
        return lab.inNamespace(index, command)
                .directory(directory)
                .environment("APPLIANCE_URL", "http://127.0.0.1:" + REST_PORT)
                .environment("APPLIANCE_TOKEN", token)
                .timeout(CLI_LIMIT)
                .run();
    }

    @Override
    public String displayName() {
        return name() + " in " + namespace();
    }

    @Override
    public Path logFile() {
        return directory.resolve("appliance.log");
    }

    /** Stops the node, keeps its log, deletes its directory. Never throws. */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            if (Files.isRegularFile(logFile())) {
                Path kept = RepositoryLayout.itestOutputDirectory().resolve("appliance-logs");
                Files.createDirectories(kept);
                Files.copy(logFile(), kept.resolve(lab.prefix() + "-" + name() + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
            Directories.deleteRecursively(directory);
        } catch (IOException e) {
            System.err.println(name() + " clean-up incomplete: " + e);
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
                ApplianceRest.Response status = tryStatus();
                ToolResult portal = inNamespace("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + ISCSI_PORT)
                        .timeout(PROBE_LIMIT).run();
                if (status != null && status.status() == 200 && portal.succeeded()) {
                    return;
                }
                lastProblem = "GET /api/v1/status: " + (status == null ? "no answer" : status.status() + " " + status.body())
                        + "; iSCSI portal " + (portal.succeeded() ? "listening" : "not listening");
            }
            Thread.sleep(300);
        }
        throw new IOException("not serving within " + START_LIMIT + " (" + lastProblem + ")");
    }

    private ApplianceRest.Response tryStatus() throws InterruptedException {
        try {
            return new NamespaceRest(namespace(), REST_PORT, token).send("GET", "/status", null, PROBE_LIMIT);
        } catch (IOException notYet) {
            return null;
        }
    }
}
