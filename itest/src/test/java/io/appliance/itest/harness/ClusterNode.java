package io.appliance.itest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One appliance JVM of an {@link ApplianceCluster}, run in its {@link ClusterLab} namespace with
 * {@code ip netns exec NS java -Xmx384m -jar appliance.jar server cfg.yml} (so the process handle is
 * the JVM's and {@link #kill()} is a real {@code kill -9}). REST listens on
 * {@code 127.0.0.1:}{@link #REST_PORT} and the local portal on {@code 127.0.0.1:}{@link #ISCSI_PORT}
 * inside the namespace. The log ({@code appliance.log}) is appended across restarts and copied to
 * {@code itest/target/appliance-logs/} by {@link #close()}.
 */
public final class ClusterNode extends NamespacedNode {

    public static final int ISCSI_PORT = 3260;
    public static final int REST_PORT = NamespacedAppliance.REST_PORT;
    public static final int REPLICATION_PORT = 7789;
    public static final Duration START_LIMIT = NamespacedAppliance.START_LIMIT;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final ClusterLab lab;
    private final String name;
    private final Path directory;

    ClusterNode(ClusterLab lab, String name, Path directory) {
        super(new NamespacedAppliance(name, lab.namespace(name), directory, "384m",
                command -> lab.inNamespace(name, command)));
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

    /** r0's backing file (storage nodes of a replicated cluster). */
    public Path backingFile() {
        return directory.resolve("r0-backing.img");
    }

    public Path stateDirectory() {
        return jvm.stateDirectory();
    }

    public Path configFile() {
        return jvm.configFile();
    }

    /** Starts the JVM and waits (at most {@link #START_LIMIT}) until {@code GET /api/v1/status} answers 200. */
    public void start() throws IOException, InterruptedException {
        jvm.start(this, ready -> Optional.empty());
    }







    /** Stops the node (SIGTERM, then SIGKILL), keeps a copy of its log. Never throws. */
    @Override
    public void close() {
        jvm.stopAndKeepLog(lab.prefix());
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

    @Override
    public String displayName() {
        return name + " in " + namespace();
    }

}
