package io.appliance.itest.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The tgt user-space target ({@code tgtd}) as a peer to compare with: a private control port
 * ({@code -C N}), a portal on 127.0.0.1 at a free port, one target (tid 1) with one disk LUN
 * (LUN 1; tgt reserves LUN 0 for its controller) on a file the caller provides. It never touches
 * another tgtd on the machine: every {@code tgtadm} call names this instance's control port.
 *
 * <p>tgtd ignores SIGTERM, so {@link #close()} deletes the target and the system through
 * {@code tgtadm} and kills the process if it is still there after a bound.
 */
public final class TgtdProcess implements LoggedProcess, AutoCloseable {

    /** The tid of the one target. */
    private static final String TID = "1";
    /** The LUN number the disk gets. */
    public static final int DISK_LUN = 1;
    private static final Duration START_LIMIT = Duration.ofSeconds(15);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);
    private static final Duration TGTADM_LIMIT = Duration.ofSeconds(20);
    private static final Path CONTROL_SOCKET_DIRECTORY = Path.of("/var/run/tgtd");

    private final Path directory;
    private final Process process;
    private final int controlPort;
    private final IscsiEndpoint endpoint;

    private TgtdProcess(Path directory, Process process, int controlPort, IscsiEndpoint endpoint) {
        this.directory = directory;
        this.process = process;
        this.controlPort = controlPort;
        this.endpoint = endpoint;
    }

    /**
     * Starts tgtd with one target open to every initiator, serving {@code backingFile} as LUN
     * {@value #DISK_LUN}. On failure nothing is left running.
     */
    public static TgtdProcess start(String targetName, Path backingFile) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("tgtd-itest-");
        int controlPort = pickControlPort();
        int portalPort = FreePorts.pick();
        Path log = directory.resolve("tgtd.log");
        Process process = new ProcessBuilder("tgtd", "-f", "-C", Integer.toString(controlPort),
                "--iscsi", "portal=127.0.0.1:" + portalPort)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        TgtdProcess tgtd = new TgtdProcess(directory, process, controlPort,
                new IscsiEndpoint("127.0.0.1", portalPort, targetName, DISK_LUN));
        try {
            tgtd.awaitControlPort();
            tgtd.tgtadm("--lld", "iscsi", "--op", "new", "--mode", "target", "--tid", TID, "-T", targetName);
            tgtd.tgtadm("--lld", "iscsi", "--op", "new", "--mode", "logicalunit", "--tid", TID,
                    "--lun", Integer.toString(DISK_LUN), "-b", backingFile.toAbsolutePath().toString());
            tgtd.tgtadm("--lld", "iscsi", "--op", "bind", "--mode", "target", "--tid", TID, "-I", "ALL");
            tgtd.awaitPortal();
            return tgtd;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            String tail = tgtd.logTail(40);
            tgtd.close();
            throw new IOException("tgtd did not start: " + e.getMessage() + "\n" + tail, e);
        }
    }

    public IscsiEndpoint endpoint() {
        return endpoint;
    }

    /** Admits only {@code initiatorName} instead of every initiator. */
    public void restrictToInitiator(String initiatorName) throws IOException, InterruptedException {
        tgtadm("--lld", "iscsi", "--op", "unbind", "--mode", "target", "--tid", TID, "-I", "ALL");
        tgtadm("--lld", "iscsi", "--op", "bind", "--mode", "target", "--tid", TID, "-Q", initiatorName);
    }

    /** Requires one-way CHAP with this user and secret for normal sessions. */
    public void requireChap(String user, String secret) throws IOException, InterruptedException {
        tgtadm("--lld", "iscsi", "--op", "new", "--mode", "account", "--user", user, "--password", secret);
        tgtadm("--lld", "iscsi", "--op", "bind", "--mode", "account", "--tid", TID, "--user", user);
    }

    /** Makes the target authenticate itself to the initiator (mutual CHAP) with this user and secret. */
    public void offerMutualChap(String user, String secret) throws IOException, InterruptedException {
        tgtadm("--lld", "iscsi", "--op", "new", "--mode", "account", "--user", user, "--password", secret);
        tgtadm("--lld", "iscsi", "--op", "bind", "--mode", "account", "--tid", TID, "--user", user, "--outgoing");
    }

    @Override
    public String displayName() {
        return "tgtd -C " + controlPort;
    }

    @Override
    public Path logFile() {
        return directory.resolve("tgtd.log");
    }

    /** Stops tgtd (bounded), removes its control socket and its directory. Idempotent. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                quietly("--lld", "iscsi", "--op", "delete", "--mode", "target", "--tid", TID, "--force");
                quietly("--op", "delete", "--mode", "system");
                if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    Tool.destroyTree(process);
                }
            }
            Files.deleteIfExists(CONTROL_SOCKET_DIRECTORY.resolve("socket." + controlPort));
            Files.deleteIfExists(CONTROL_SOCKET_DIRECTORY.resolve("socket." + controlPort + ".lock"));
            Directories.deleteRecursively(directory);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("tgtd clean-up incomplete: " + e);
        }
    }

    private void tgtadm(String... arguments) throws IOException, InterruptedException {
        Tool.of(tgtadmCommand(arguments)).timeout(TGTADM_LIMIT).runSuccessfully();
    }

    private void quietly(String... arguments) throws InterruptedException {
        try {
            Tool.of(tgtadmCommand(arguments)).timeout(TGTADM_LIMIT).run();
        } catch (IOException e) {
            System.err.println("tgtadm failed during clean-up: " + e);
        }
    }

    private List<String> tgtadmCommand(String... arguments) {
        List<String> command = new ArrayList<>(List.of("tgtadm", "-C", Integer.toString(controlPort)));
        command.addAll(List.of(arguments));
        return command;
    }

    private void awaitControlPort() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        ToolResult last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("tgtd exited with " + process.exitValue());
            }
            last = Tool.of(tgtadmCommand("--op", "show", "--mode", "system")).timeout(TGTADM_LIMIT).run();
            if (last.succeeded()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("tgtd control port " + controlPort + " did not answer within " + START_LIMIT
                + (last == null ? "" : ": " + last.describe()));
    }

    private void awaitPortal() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 1000);
                return;
            } catch (IOException refused) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("tgtd portal " + endpoint.portalUrl() + " not listening within " + START_LIMIT, refused);
                }
                Thread.sleep(100);
            }
        }
    }

    /** A control port no other tgtd on this machine uses (its socket file does not exist); tgtd accepts at most 32767. */
    private static int pickControlPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(20_000, 32_768);
            if (!Files.exists(CONTROL_SOCKET_DIRECTORY.resolve("socket." + candidate))
                    && !Files.exists(CONTROL_SOCKET_DIRECTORY.resolve("socket." + candidate + ".lock"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free tgtd control port in 100 attempts");
    }
}
