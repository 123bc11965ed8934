package io.appliance.itest.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

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
public final class ReplicaNode extends NamespacedNode {

    public static final int ISCSI_PORT = 3260;
    public static final int REST_PORT = NamespacedAppliance.REST_PORT;
    public static final int REPLICATION_PORT = 7789;
    public static final Duration START_LIMIT = NamespacedAppliance.START_LIMIT;

    private final NetworkLab lab;
    private final int index;
    private final Path directory;

    ReplicaNode(NetworkLab lab, int index, Path directory) {
        super(new NamespacedAppliance("node" + index, lab.namespace(index), directory, "512m",
                command -> lab.inNamespace(index, command)));
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

    /** The replicated disk's backing file on this node (internal metadata at its end). */
    public Path backingFile() {
        return directory.resolve("r-backing.img");
    }

    /** The LUN as seen from inside this node's namespace. */
    public IscsiEndpoint endpoint(String targetName, int lun) {
        return new IscsiEndpoint("127.0.0.1", ISCSI_PORT, targetName, lun);
    }

    public Path stateDirectory() {
        return jvm.stateDirectory();
    }

    public Path configFile() {
        return jvm.configFile();
    }

    /** Starts the JVM in the namespace and waits (at most {@link #START_LIMIT}) until REST and iSCSI answer. */
    public void start() throws IOException, InterruptedException {
        jvm.start(this, ready -> {
            try {
                ToolResult portal = inNamespace("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + ISCSI_PORT)
                        .timeout(NamespacedAppliance.PROBE_LIMIT).run();
                return portal.succeeded() ? Optional.empty() : Optional.of("iSCSI portal not listening");
            } catch (IOException e) {
                return Optional.of("iSCSI portal not probed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted");
            }
        });
    }







    /** Stops the node, keeps its log, deletes its directory. Never throws. */
    @Override
    public void close() {
        jvm.stopAndKeepLog(lab.prefix());
        try {
            Directories.deleteRecursively(directory);
        } catch (IOException e) {
            System.err.println(name() + " clean-up incomplete: " + e);
        }
    }

    /** The replication verbs and status of resource {@code resource} on this node. */
    public ReplicationClient replication(String resource) {
        return new ReplicationClient(name(), rest(), resource);
    }

    /** A command run inside this node's namespace. */
    public Tool inNamespace(String... command) {
        return lab.inNamespace(index, command);
    }

    @Override
    public String displayName() {
        return name() + " in " + namespace();
    }

}
