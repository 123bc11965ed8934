package io.appliance.cluster.agent;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The factories of the agents built into the cluster module: IPaddr2, portblock, Dummy, Filesystem, lsb:*. */
public final class BuiltinAgents {

    public static final String IPADDR2 = "IPaddr2";
    public static final String PORTBLOCK = "portblock";
    public static final String DUMMY = "Dummy";
    public static final String FILESYSTEM = "Filesystem";

    /** Bound of one ip, nft or mount call (they answer in milliseconds unless the kernel is stuck). */
    static final Duration TOOL_TIMEOUT = Duration.ofSeconds(10);
    static final Path INIT_DIRECTORY = Path.of("/etc/init.d");
    static final Path MOUNT_TABLE = Path.of("/proc/mounts");

    private static final AtomicInteger ANNOUNCER_THREADS = new AtomicInteger();
    /** Runs the bounded background ARP announcements; daemon threads, so it never holds the JVM. */
    private static final ExecutorService ANNOUNCER = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "arp-announcer-" + ANNOUNCER_THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private BuiltinAgents() {
    }

    /**
     * One factory per built-in type.
     *
     * @param stateDirectory the appliance's state directory: state files go to {@code <stateDirectory>/cluster/}
     * @param runner         runs ip, nft, arping, mount and init scripts
     */
    public static List<ResourceAgentFactory> factories(Path stateDirectory, CommandRunner runner) {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(runner, "runner");
        Path clusterState = stateDirectory.resolve("cluster");
        IpCommand ip = new IpCommand(runner, TOOL_TIMEOUT);
        ArpingCommand arping = new ArpingCommand(runner);
        NftCommand nft = new NftCommand(runner, TOOL_TIMEOUT);
        MountCommand mount = new MountCommand(runner, MOUNT_TABLE, TOOL_TIMEOUT);
        return List.of(
                ResourceAgentFactory.of(IPADDR2, r -> new IpAddr2Agent(r, ip, arping, ANNOUNCER)),
                ResourceAgentFactory.of(PORTBLOCK,
                        r -> new PortBlockAgent(r, nft, clusterState.resolve("portblock-" + r.id() + ".state"))),
                ResourceAgentFactory.of(DUMMY, r -> new DummyAgent(r, clusterState.resolve("dummy-" + r.id() + ".state"))),
                ResourceAgentFactory.of(FILESYSTEM, r -> new FilesystemAgent(r, mount)),
                new LsbFactory(INIT_DIRECTORY, runner));
    }

    private record LsbFactory(Path initDirectory, CommandRunner runner) implements ResourceAgentFactory {

        @Override
        public Set<String> types() {
            return Set.of(AgentRegistry.ANY_LSB);
        }

        @Override
        public ResourceAgent create(PrimitiveDefinition resource) {
            return new LsbAgent(resource, initDirectory, runner);
        }
    }
}
