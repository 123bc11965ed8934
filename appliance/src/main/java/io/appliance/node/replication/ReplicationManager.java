package io.appliance.node.replication;

import io.appliance.config.replication.ResourceDefinition;
import io.appliance.config.replication.ResourceHost;
import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.scsi.FileReservationStore;
import io.appliance.iscsi.scsi.ReservationStore;
import io.appliance.node.api.EventLineStream;
import io.appliance.node.runtime.NodeLayout;
import io.appliance.node.runtime.VolumeManager;
import io.appliance.replication.ReplicatedResource;
import io.appliance.replication.ReplicationEnvironment;
import io.appliance.replication.ReplicationEvent;
import io.appliance.replication.ReplicationException;
import io.appliance.replication.ReplicationNode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's replicated disks: owns the {@link ReplicationNode} and what it runs on (a Netty event
 * loop group of {@value #EVENT_LOOP_THREADS} threads, a scheduler, the backing opener), loads the
 * {@code replication} section and the DRBD {@code .res} files it names, creates backing files that
 * have a {@code size} and do not exist, and brings resources up at start ({@code autoUp}).
 *
 * <p>Start order in the node: after the state database, before the targets (a LUN on a replicated
 * disk borrows the resource's device); stop order: after the targets. {@link #close()} downs every
 * resource (the engine demotes an idle Primary first), ends every events stream, then stops the
 * threads. Thread safe.
 */
public final class ReplicationManager implements ReplicatedDisks, AutoCloseable {

    static final int EVENT_LOOP_THREADS = 2;
    /** Events a slow events-stream reader may have waiting before it is dropped. */
    static final int EVENTS_QUEUE_CAPACITY = 1024;
    static final Duration THREADS_STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationManager.class);

    private final ReplicationNode node;
    private final EventLoopGroup eventLoops;
    private final ScheduledExecutorService scheduler;
    private final Set<EventLineStream<ReplicationEvent>> subscriptions = ConcurrentHashMap.newKeySet();

    /** The reservation stores of LUNs on each resource, to send their state to the peer on every connection. */
    private final Map<String, List<ReplicatedReservationStore>> reservationStores = new ConcurrentHashMap<>();

    private ReplicationManager(ReplicationNode node, EventLoopGroup eventLoops, ScheduledExecutorService scheduler) {
        this.node = node;
        this.eventLoops = eventLoops;
        this.scheduler = scheduler;
        node.subscribe(this::sendReservationsOnConnection);
    }

    /**
     * Builds the node's replication from its configuration and brings resources up when
     * {@code autoUp}. A resource this node is not a host of is skipped with a warning; a resource
     * that cannot come up (no metadata yet, a bad disk) stays down with its reason logged, and the
     * node starts anyway so that the operator can fix it through the API.
     *
     * @throws ReplicationConfigurationException for bad values (named by their key path)
     * @throws UncheckedIOException              when a backing file cannot be created
     */
    public static ReplicationManager start(String nodeName, ReplicationConfiguration configuration, NodeLayout layout,
            Clock clock, Executor ioExecutor, VolumeManager volumes) {
        List<ResourceDefinition> definitions = new ArrayList<>();
        Map<String, Map<String, Long>> createSizes = new ConcurrentHashMap<>();
        for (ConfiguredResource resource : configuration.definitions(layout.stateDirectory(),
                pool -> isPool(volumes, pool))) {
            definitions.add(resource.definition());
            createSizes.put(resource.definition().name(), resource.createSizes());
        }
        for (Path resFile : configuration.getResFiles()) {
            definitions.addAll(ResFiles.read(layout.stateDirectory().resolve(resFile)));
        }
        EventLoopGroup eventLoops = new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS, daemonThreads("replication-io-"),
                NioIoHandler.newFactory());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("replication-timer-"));
        ReplicationEnvironment environment = new ReplicationEnvironment(clock, eventLoops, scheduler,
                new ApplianceBackingOpener(ioExecutor, volumes), new SecureRandom());
        ReplicationManager manager = new ReplicationManager(new ReplicationNode(nodeName, environment), eventLoops, scheduler);
        try {
            for (ResourceDefinition definition : definitions) {
                manager.add(nodeName, definition, createSizes.getOrDefault(definition.name(), Map.of()));
            }
            if (configuration.isAutoUp()) {
                manager.node.resources().forEach(ReplicationManager::autoUp);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return manager;
    }

    private void add(String nodeName, ResourceDefinition definition, Map<String, Long> createSizes) {
        Optional<ResourceHost> self = definition.host(nodeName);
        if (self.isEmpty()) {
            LOG.warn("{}: this node ({}) is not one of its hosts ({}); ignoring the resource", definition.name(), nodeName,
                    definition.hosts().stream().map(ResourceHost::name).toList());
            return;
        }
        if (node.resource(definition.name()).isPresent()) {
            throw new ReplicationConfigurationException(List.of("replication: resource " + definition.name()
                    + " is defined twice (in resources and a .res file, or in two .res files)"));
        }
        Long size = createSizes.get(nodeName);
        if (size != null) {
            createSparseFile(definition.name(), self.get().disk(), size);
        }
        node.add(definition);
        LOG.info("{}: replicated disk on {} with peer {} at {} (protocol {})", definition.name(), self.get().disk(),
                definition.peerOf(nodeName).name(), definition.peerOf(nodeName).addressAndPort(),
                definition.options().protocol());
    }

    private static void autoUp(ReplicatedResource resource) {
        try {
            resource.up();
            LOG.info("{}: up (autoUp)", resource.name());
        } catch (ReplicationException e) {
            if (e.reason() == ReplicationException.Reason.NO_METADATA) {
                LOG.info("{}: not brought up: no metadata yet; run 'appliance replication create-md {}' then 'up'",
                        resource.name(), resource.name());
            } else {
                LOG.error("{}: cannot come up: {}", resource.name(), e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("{}: cannot come up", resource.name(), e);
        }
    }

    /** The size option: a missing backing file is created sparse; an existing one is left as it is. */
    static void createSparseFile(String resource, String disk, long sizeBytes) {
        if (!disk.startsWith("/")) {
            return;
        }
        Path file = Path.of(disk);
        if (Files.exists(file)) {
            return;
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (RandomAccessFile created = new RandomAccessFile(file.toFile(), "rw")) {
                created.setLength(sizeBytes);
            }
            LOG.info("{}: created the backing file {} ({} bytes, sparse)", resource, file, sizeBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("replication: resource " + resource + ": cannot create the backing file " + file
                    + ": " + e.getMessage(), e);
        }
    }

    private static boolean isPool(VolumeManager volumes, String pool) {
        try {
            return volumes.pool(pool).isPresent();
        } catch (RuntimeException e) {
            LOG.debug("Cannot ask lvm2 whether {} is a pool; taking it as a directory: {}", pool, e.getMessage());
            return false;
        }
    }

    public ReplicationNode node() {
        return node;
    }

    public Optional<ReplicatedResource> resource(String name) {
        return node.resource(name);
    }

    public List<ReplicatedResource> resources() {
        return node.resources().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    /** The current state as {@code exists ...} events ({@code events2 --now}). */
    public List<ReplicationEvent> currentState() {
        return node.currentState();
    }

    /** A reader of the events stream; close it when the reader goes away. */
    public EventLineStream<ReplicationEvent> subscribe() {
        EventLineStream<ReplicationEvent> subscription = new EventLineStream<>(EVENTS_QUEUE_CAPACITY,
                ReplicationEvent::render, subscriptions::remove);
        subscriptions.add(subscription);
        return subscription.subscribe(node::subscribe);
    }

    @Override
    public Optional<BlockDevice> borrow(String resource, long sizeWhileUnknown) {
        return node.resource(resource).map(found -> new BorrowedDevice(found.device(), sizeWhileUnknown));
    }

    @Override
    public ReservationStore reservationStore(String resource, UUID lun, FileReservationStore local) {
        Optional<ReplicatedResource> disk = node.resource(resource);
        if (disk.isEmpty()) {
            return local;
        }
        // a PERSISTENT RESERVE OUT waits for the peer at most as long as a replicated write's ack (DRBD's timeout)
        ReplicatedReservationStore store = new ReplicatedReservationStore(local, disk.get(), lun,
                disk.get().definition().options().timeout());
        reservationStores.computeIfAbsent(resource, name -> new CopyOnWriteArrayList<>()).add(store);
        return store;
    }

    /** A new connection: the Primary sends its LUNs' reservations, which may have changed while the peer was away. */
    private void sendReservationsOnConnection(ReplicationEvent event) {
        if (!event.object().equals("connection") || !"Connected".equals(event.fields().get("connection"))) {
            return;
        }
        List<ReplicatedReservationStore> stores = reservationStores.getOrDefault(event.resource(), List.of());
        if (!stores.isEmpty()) {
            // off the engine's thread: reading the state files is disk I/O
            scheduler.execute(() -> stores.forEach(ReplicatedReservationStore::sendToPeer));
        }
    }

    /**
     * Ends every events stream (their readers see the end and finish their answers). The node calls
     * it when the HTTP server begins to stop, so that open streams do not hold the server's graceful
     * stop; {@link #close()} does it too.
     */
    public void endEventStreams() {
        List.copyOf(subscriptions).forEach(EventLineStream::close);
    }

    @Override
    public void close() {
        endEventStreams();
        try {
            node.close();
        } catch (RuntimeException e) {
            LOG.error("Stopping the replicated disks failed", e);
        }
        scheduler.shutdownNow();
        eventLoops.shutdownGracefully(0, THREADS_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(THREADS_STOP_TIMEOUT.toMillis());
        try {
            if (!scheduler.awaitTermination(THREADS_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The replication timer thread did not end within {}", THREADS_STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
