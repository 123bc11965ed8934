package io.appliance.node.lifecycle;

import io.appliance.iscsi.login.TargetLimits;
import io.appliance.iscsi.server.IscsiServer;
import io.appliance.iscsi.server.IscsiServerSettings;
import io.appliance.iscsi.server.SessionInfo;
import io.appliance.iscsi.target.ChapCredentials;
import io.appliance.iscsi.target.Portal;
import io.appliance.iscsi.target.TargetRegistry;
import io.appliance.lvm.Lvm;
import io.appliance.lvm.ProcessCommandRunner;
import io.appliance.lvm.device.VolumeAccess;
import io.appliance.node.ApplianceVersion;
import io.appliance.node.api.NodeStatus;
import io.appliance.node.api.SessionView;
import io.appliance.node.cluster.ClusterConfiguration;
import io.appliance.node.cluster.ClusterException;
import io.appliance.node.cluster.ClusterManager;
import io.appliance.node.cluster.ClusterOperations;
import io.appliance.node.cluster.ServerPortals;
import io.appliance.node.config.ApplianceConfiguration;
import io.appliance.node.config.ChapPairConfiguration;
import io.appliance.node.config.IscsiConfiguration;
import io.appliance.node.config.LvmConfiguration;
import io.appliance.node.config.PortalConfiguration;
import io.appliance.node.model.NodeException;
import io.appliance.node.replication.ReplicationManager;
import io.appliance.node.runtime.LvmVolumeManager;
import io.appliance.node.runtime.NodeLayout;
import io.appliance.node.runtime.PortalGroup;
import io.appliance.node.runtime.TargetManager;
import io.appliance.node.runtime.TargetState;
import io.appliance.node.store.NodeStore;
import io.appliance.node.store.StateDatabase;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One appliance node's iSCSI service and state, as a Dropwizard {@link Managed} object.
 *
 * <p>Start: opens (and migrates) the state database, seeds it from the configuration when it has
 * never been seeded and holds no targets, opens every LUN's file or volume (through lvm2), publishes the targets in the
 * {@link TargetRegistry}, starts the {@link IscsiServer} on the configured portals and publishes
 * the targets again with the bound portals (a configured port 0 is a free port, for tests). A
 * failure undoes what was started and fails the start.
 *
 * <p>The replicated disks ({@link ReplicationManager}) start after the database and before the
 * targets, resources up as {@code replication.autoUp} says.
 *
 * <p>With a {@code cluster} section the cluster stack ({@link ClusterManager}) starts last, when
 * iSCSI and the replicated disks run (its agents drive both), and stops first: it stops the
 * resources this node runs (bounded) and leaves the cluster before anything else goes down.
 *
 * <p>Stop, in reverse: the cluster leaves, then the server closes (no I/O arrives any more), then every LUN is
 * withdrawn and closed, the replicated disks go down, the I/O threads end, and the database is closed.
 */
public final class ApplianceNode implements Managed, NodeStatus {

    /** How long stop waits for in-flight LUN I/O to finish. */
    static final Duration IO_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(ApplianceNode.class);

    private final ApplianceConfiguration configuration;
    private final NodeLayout layout;
    private final Clock clock;
    private final TargetRegistry registry = new TargetRegistry();

    private volatile StateDatabase database;
    private volatile ExecutorService ioExecutor;
    private volatile TargetManager manager;
    private volatile ReplicationManager replication;
    private volatile AutoCloseable resizeWatch;
    private volatile IscsiServer server;
    private volatile List<Portal> portals = List.of();
    private final ServerPortals clusterPortals = new ServerPortals(this::runningServer, this::republishTargets);
    private volatile ClusterManager cluster;

    public ApplianceNode(ApplianceConfiguration configuration, NodeLayout layout, Clock clock) {
        this.configuration = configuration;
        this.layout = layout;
        this.clock = clock;
    }

    @Override
    public void start() throws Exception {
        try {
            startUp();
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    private void startUp() throws IOException {
        IscsiConfiguration iscsi = configuration.getIscsi();
        database = StateDatabase.open(layout.databaseFile(), clock);
        LOG.info("State database {} at schema version {}", database.file(), database.schemaVersion());
        NodeStore store = new NodeStore(database.jdbi(), clock);
        ioExecutor = Executors.newFixedThreadPool(iscsi.getIoThreads(), namedThreads("lun-io-"));
        registry.setDiscoveryAuth(discoveryChap(iscsi.getDiscoveryChap()), Optional.empty());
        LvmConfiguration lvmConfiguration = configuration.getLvm();
        Lvm lvm = new Lvm(new ProcessCommandRunner(), lvmConfiguration.getCommandTimeout().toJavaDuration());
        VolumeAccess access = VolumeAccess.valueOf(lvmConfiguration.getAccess().name());
        LvmVolumeManager volumes = new LvmVolumeManager(lvm, access, ioExecutor);
        // before the targets: a LUN on a replicated disk serves the resource's device
        ReplicationManager replicatedDisks = ReplicationManager.start(configuration.getNodeName(),
                configuration.getReplication(), layout, clock, ioExecutor, volumes);
        replication = replicatedDisks;
        TargetManager targets = new TargetManager(store, registry, layout, ioExecutor, volumes, clock,
                portalGroup(iscsi.getPortalGroupTag()), replicatedDisks);
        manager = targets;
        targets.start();
        resizeWatch = watchReplicatedDiskSizes(replicatedDisks, targets, ioExecutor);
        if (targets.needsSeed()) {
            Seeder.seed(targets, configuration.getSeed());
        }
        IscsiServer iscsiServer = new IscsiServer(registry, serverSettings(iscsi));
        server = iscsiServer;
        List<Portal> bound = new ArrayList<>();
        for (PortalConfiguration portal : iscsi.getPortals()) {
            // port 0 binds a free port; SendTargets must then report the real one
            InetSocketAddress local = iscsiServer.bind(new InetSocketAddress(portal.getAddress(), portal.getPort()));
            bound.add(new Portal(portal.getAddress(), local.getPort()));
        }
        portals = List.copyOf(bound);
        targets.republish();
        Optional<ClusterConfiguration> clusterConfiguration = configuration.getCluster();
        if (clusterConfiguration.isPresent()) {
            cluster = ClusterManager.start(clusterConfiguration.get(), configuration.getNodeName(),
                    layout.stateDirectory(), replicatedDisks::resource, replicatedDisks::resources, clusterPortals);
        }
    }

    private IscsiServer runningServer() {
        IscsiServer iscsiServer = server;
        if (iscsiServer == null) {
            throw new IllegalStateException("the iSCSI server is not running");
        }
        return iscsiServer;
    }

    private void republishTargets() {
        TargetManager targets = manager;
        if (targets != null) {
            targets.republish();
        }
    }

    /**
     * A replicated disk grows online (its {@code resize} verb, run here or on the peer); its LUNs then
     * record the new size and tell their initiators. Device events come on the resource's state
     * thread, which must not wait for the target manager's lock: the work goes to the LUN I/O pool.
     */
    private static AutoCloseable watchReplicatedDiskSizes(ReplicationManager replicatedDisks, TargetManager targets,
            ExecutorService lunIo) {
        return replicatedDisks.node().subscribe(event -> {
            if ("device".equals(event.object())) {
                try {
                    lunIo.execute(() -> targets.replicatedDiskResized(event.resource()));
                } catch (RejectedExecutionException e) {
                    LOG.debug("Node stopping: size of replicated disk {} not rechecked", event.resource());
                }
            }
        });
    }

    @Override
    public void stop() {
        ClusterManager clusterStack = cluster;
        cluster = null;
        if (clusterStack != null) {
            clusterStack.close();
        }
        IscsiServer iscsiServer = server;
        server = null;
        portals = List.of();
        if (iscsiServer != null) {
            iscsiServer.close();
        }
        AutoCloseable watch = resizeWatch;
        resizeWatch = null;
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.warn("Could not stop watching the replicated disks' sizes: {}", e.toString());
            }
        }
        TargetManager targets = manager;
        manager = null;
        if (targets != null) {
            targets.close();
        }
        ReplicationManager replicatedDisks = replication;
        replication = null;
        if (replicatedDisks != null) {
            replicatedDisks.close();
        }
        ExecutorService executor = ioExecutor;
        ioExecutor = null;
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(IO_DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("LUN I/O did not finish within {}; interrupting it", IO_DRAIN_TIMEOUT);
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        StateDatabase db = database;
        database = null;
        if (db != null) {
            db.close();
        }
    }

    /** The running node's targets; {@link NodeException.NotRunning} while it is not running. */
    public TargetManager targets() {
        TargetManager targets = manager;
        if (targets == null || server == null) {
            throw new NodeException.NotRunning("the node is not running (starting or stopping); try again shortly");
        }
        return targets;
    }

    /** The running node's replicated disks; {@link NodeException.NotRunning} while it is not running. */
    public ReplicationManager replication() {
        ReplicationManager replicatedDisks = replication;
        if (replicatedDisks == null || server == null) {
            throw new NodeException.NotRunning("the node is not running (starting or stopping); try again shortly");
        }
        return replicatedDisks;
    }

    /**
     * The running cluster stack; empty when the configuration has no {@code cluster} section;
     * {@link ClusterException.Unavailable} while the node is not running.
     */
    public Optional<ClusterOperations> cluster() {
        if (configuration.getCluster().isEmpty()) {
            return Optional.empty();
        }
        ClusterManager clusterStack = cluster;
        if (clusterStack == null) {
            throw new ClusterException.Unavailable("the cluster stack is not running (node starting or stopping);"
                    + " try again shortly");
        }
        return Optional.of(clusterStack);
    }

    /** Ends the replication events streams, if the replicated disks run; for the HTTP server's stop. */
    public void endReplicationEventStreams() {
        ReplicationManager replicatedDisks = replication;
        if (replicatedDisks != null) {
            replicatedDisks.endEventStreams();
        }
    }

    public TargetRegistry registry() {
        return registry;
    }

    /** The addresses the iSCSI server is bound to; empty when it is not running. */
    public List<InetSocketAddress> boundPortals() {
        IscsiServer iscsiServer = server;
        return iscsiServer == null ? List.of() : iscsiServer.boundAddresses();
    }

    /** How many portals the configuration asks for. */
    public int configuredPortalCount() {
        return configuration.getIscsi().getPortals().size();
    }

    /** A target and its lowest LUN to show in the start banner's libiscsi URL. */
    public Optional<StartupBanner.TargetAndLun> firstTargetAndLun() {
        TargetManager targets = manager;
        if (targets == null) {
            return Optional.empty();
        }
        for (TargetState target : targets.targets()) {
            if (!target.luns().isEmpty()) {
                return Optional.of(new StartupBanner.TargetAndLun(target.record().name(), target.luns().get(0)));
            }
        }
        return Optional.empty();
    }

    // ---- NodeStatus ----

    @Override
    public String nodeName() {
        return configuration.getNodeName();
    }

    @Override
    public String version() {
        return ApplianceVersion.current();
    }

    @Override
    public List<String> portals() {
        return boundPortals().stream().map(ApplianceNode::hostAndPort).toList();
    }

    @Override
    public int targetCount() {
        return registry.all().size();
    }

    @Override
    public List<SessionView> sessions() {
        IscsiServer iscsiServer = server;
        if (iscsiServer == null) {
            return List.of();
        }
        return iscsiServer.sessions().stream().map(ApplianceNode::view).toList();
    }

    // ---- internals ----

    private PortalGroup portalGroup(int tag) {
        return new PortalGroup() {
            @Override
            public int tag() {
                return tag;
            }

            @Override
            public List<Portal> portals() {
                List<Portal> advertised = clusterPortals.advertised();
                if (advertised.isEmpty()) {
                    return portals;
                }
                List<Portal> all = new ArrayList<>(portals);
                advertised.stream().filter(portal -> !all.contains(portal)).forEach(all::add);
                return List.copyOf(all);
            }
        };
    }

    private IscsiServerSettings serverSettings(IscsiConfiguration iscsi) {
        TargetLimits defaults = TargetLimits.defaults();
        TargetLimits limits = new TargetLimits(
                Math.toIntExact(iscsi.getMaxRecvDataSegmentLength().toBytes()),
                Math.toIntExact(iscsi.getMaxBurstLength().toBytes()),
                Math.toIntExact(iscsi.getFirstBurstLength().toBytes()),
                iscsi.getMaxOutstandingR2T(),
                defaults.immediateData(),
                defaults.initialR2T(),
                defaults.maxConnections(),
                defaults.defaultTime2Wait(),
                defaults.defaultTime2Retain(),
                defaults.errorRecoveryLevel(),
                defaults.headerDigests(),
                defaults.dataDigests());
        IscsiServerSettings serverDefaults = IscsiServerSettings.defaults();
        return new IscsiServerSettings(limits, iscsi.getCommandWindow(), iscsi.getNopInInterval().toJavaDuration(),
                iscsi.getNopInTimeout().toJavaDuration(), iscsi.getLoginTimeout().toJavaDuration(),
                serverDefaults.shutdownGrace(), clock);
    }

    private static Optional<ChapCredentials> discoveryChap(ChapPairConfiguration chap) {
        return chap == null ? Optional.empty() : Optional.of(new ChapCredentials(chap.getUser(), chap.getSecret()));
    }

    private static SessionView view(SessionInfo session) {
        return new SessionView(session.initiatorName(), session.isid(), session.tsih(), session.targetName(),
                session.sessionType(), session.connections());
    }

    static String hostAndPort(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static ThreadFactory namedThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
