package io.appliance.itest.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One appliance node started from the built jar ({@code java -jar appliance/target/appliance.jar
 * server cfg.yml}) in a temporary directory: its configuration, state directory and LUN files
 * live there, its iSCSI portal and REST API listen on free loopback ports, its output goes to
 * {@code appliance.log}. {@link #start} returns once the portal accepts connections and
 * {@code GET /api/v1/status} answers with the token the node wrote; {@link #close()} stops the
 * node (SIGTERM, then SIGKILL after {@link #STOP_LIMIT}), keeps a copy of the log under
 * {@code itest/target/appliance-logs/} and deletes the directory.
 */
public final class ApplianceProcess implements LoggedProcess, AutoCloseable {

    /** How long the node may take to serve after it was started. */
    public static final Duration START_LIMIT = Duration.ofSeconds(60);
    /** How long the node may take to exit after SIGTERM before it is killed. */
    public static final Duration STOP_LIMIT = Duration.ofSeconds(20);
    /** The target every {@link #startWithOpenTarget} node serves. */
    public static final String DEFAULT_TARGET = "iqn.2026-11.io.appliance:itest";

    private final Path directory;
    private final Path stateDirectory;
    private final Process process;
    private final int iscsiPort;
    private final int restPort;
    private final String token;
    private final ApplianceRest rest;

    private ApplianceProcess(Path directory, Path stateDirectory, Process process, int iscsiPort, int restPort,
            String token) {
        this.directory = directory;
        this.stateDirectory = stateDirectory;
        this.process = process;
        this.iscsiPort = iscsiPort;
        this.restPort = restPort;
        this.token = token;
        this.rest = new ApplianceRest(restUrl(), token);
    }

    /** A node seeded with {@link #DEFAULT_TARGET}, open access, LUN 0 of {@code lunSize}. */
    public static ApplianceProcess startWithOpenTarget(String lunSize) throws IOException, InterruptedException {
        return start(List.of(SeedTarget.open(DEFAULT_TARGET, new SeedTarget.SeedLun(0, lunSize))));
    }

    /**
     * Starts a node seeded with {@code targets} and waits (at most {@link #START_LIMIT}) until it
     * serves. On failure the node is stopped, the directory removed, and the exception carries the
     * log's tail.
     */
    public static ApplianceProcess start(List<SeedTarget> targets) throws IOException, InterruptedException {
        return start(targets, Map.of());
    }

    /**
     * Like {@link #start(List)}, with extra settings of the {@code iscsi:} section, such as
     * {@code loginTimeout -> 3s}; values are written as given (Dropwizard Duration/DataSize text or numbers).
     */
    public static ApplianceProcess start(List<SeedTarget> targets, Map<String, String> iscsiSettings)
            throws IOException, InterruptedException {
        return start(targets, iscsiSettings, Map.of());
    }

    /**
     * Like {@link #start(List, Map)}, with settings of the {@code lvm:} section, such as
     * {@code access -> auto} or {@code commandTimeout -> 60s}; none written when empty.
     */
    public static ApplianceProcess start(List<SeedTarget> targets, Map<String, String> iscsiSettings,
            Map<String, String> lvmSettings) throws IOException, InterruptedException {
        Path jar = RepositoryLayout.applianceJar();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no appliance jar at " + jar + ": build it first (mvn -DskipTests install at the root)");
        }
        Path directory = Files.createTempDirectory("appliance-itest-");
        Path stateDirectory = directory.resolve("state");
        Path lunDirectory = directory.resolve("luns");
        Files.createDirectories(stateDirectory);
        Files.createDirectories(lunDirectory);
        int iscsiPort = FreePorts.pick();
        int restPort = FreePorts.pick();
        while (restPort == iscsiPort) {
            restPort = FreePorts.pick();
        }
        Path config = directory.resolve("cfg.yml");
        Files.writeString(config, NodeConfigFile.render("itest", stateDirectory, lunDirectory, iscsiPort, restPort, iscsiSettings,
                        lvmSettings, targets),
                StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-jar", jar.toString(), "server", config.toString()));
        Path log = directory.resolve("appliance.log");
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        try {
            String token = awaitServing(process, stateDirectory, iscsiPort, restPort, log);
            return new ApplianceProcess(directory, stateDirectory, process, iscsiPort, restPort, token);
        } catch (IOException | InterruptedException | RuntimeException e) {
            String tail = new StartFailure(log).logTail(60);
            stop(process);
            copyLog(log, iscsiPort);
            Directories.deleteRecursively(directory);
            throw new IOException("appliance did not start: " + e.getMessage() + "\n--- appliance.log (tail) ---\n" + tail, e);
        }
    }

    /** The iSCSI address of one of the node's LUNs. */
    public IscsiEndpoint endpoint(String targetName, int lun) {
        return new IscsiEndpoint("127.0.0.1", iscsiPort, targetName, lun);
    }

    /** LUN 0 of {@link #DEFAULT_TARGET}. */
    public IscsiEndpoint defaultEndpoint() {
        return endpoint(DEFAULT_TARGET, 0);
    }

    public int iscsiPort() {
        return iscsiPort;
    }

    /** The REST server's root, such as {@code http://127.0.0.1:41234}, as the CLI's {@code APPLIANCE_URL} wants it. */
    public URI restUrl() {
        return URI.create("http://127.0.0.1:" + restPort);
    }

    /** The token from {@code <state>/api-token}. */
    public String token() {
        return token;
    }

    public ApplianceRest rest() {
        return rest;
    }

    public Path stateDirectory() {
        return stateDirectory;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String displayName() {
        return "appliance (iSCSI " + iscsiPort + ", REST " + restPort + ")";
    }

    @Override
    public Path logFile() {
        return directory.resolve("appliance.log");
    }

    @Override
    public void close() {
        try {
            stop(process);
            copyLog(logFile(), iscsiPort);
            Directories.deleteRecursively(directory);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("appliance clean-up incomplete: " + e);
        }
    }

    private static String awaitServing(Process process, Path stateDirectory, int iscsiPort, int restPort, Path log)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        Path tokenFile = stateDirectory.resolve("api-token");
        String lastProblem = "nothing tried yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the node exited with status " + process.exitValue());
            }
            if (!accepts(iscsiPort)) {
                lastProblem = "iSCSI port " + iscsiPort + " not listening";
            } else if (!Files.isRegularFile(tokenFile) || Files.readString(tokenFile).isBlank()) {
                lastProblem = "no token in " + tokenFile;
            } else {
                String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
                try {
                    ApplianceRest.Response status = new ApplianceRest(URI.create("http://127.0.0.1:" + restPort), token)
                            .get("/status");
                    if (status.status() == 200) {
                        return token;
                    }
                    lastProblem = "GET /api/v1/status answered " + status.status() + ": " + status.body();
                } catch (IOException notYet) {
                    lastProblem = "GET /api/v1/status: " + notYet;
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("not serving within " + START_LIMIT + " (" + lastProblem + "; log " + log + ")");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void stop(Process process) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            System.err.println("appliance ignored SIGTERM for " + STOP_LIMIT + "; killing it");
            Tool.destroyTree(process);
        }
    }

    /** Keeps the node's log after its directory is gone, for a person reading a failed build. */
    private static void copyLog(Path log, int iscsiPort) {
        try {
            if (Files.isRegularFile(log)) {
                Path kept = RepositoryLayout.itestOutputDirectory().resolve("appliance-logs");
                Files.createDirectories(kept);
                Files.copy(log, kept.resolve("appliance-iscsi-port-" + iscsiPort + ".log"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("could not keep the appliance log: " + e);
        }
    }

    /** Reads a log before the node object exists (start-up failures). */
    private record StartFailure(Path logFile) implements LoggedProcess {
        @Override
        public String displayName() {
            return "appliance";
        }
    }
}
