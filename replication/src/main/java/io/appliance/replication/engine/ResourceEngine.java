package io.appliance.replication.engine;

import io.appliance.config.replication.OnIoError;
import io.appliance.config.replication.ResourceDefinition;
import io.appliance.config.replication.ResourceHost;
import io.appliance.config.replication.ResourceOptions;
import io.appliance.iscsi.block.BlockDevice;
import io.appliance.replication.PeerMessageHandler;
import io.appliance.replication.ReplicatedResource;
import io.appliance.replication.ReplicationEnvironment;
import io.appliance.replication.ReplicationEvent;
import io.appliance.replication.ReplicationException;
import io.appliance.replication.ReplicationException.Reason;
import io.appliance.replication.ResourceStatus;
import io.appliance.replication.meta.MetadataException;
import io.appliance.replication.meta.Superblock;
import io.appliance.replication.state.ConnectionState;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.MetadataFlags;
import io.appliance.replication.state.PeerSummary;
import io.appliance.replication.state.PromotionRules;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import io.appliance.replication.sync.SyncCounters;
import io.appliance.replication.sync.SyncProgress;
import io.appliance.replication.wire.ResyncFinished;
import io.appliance.replication.wire.State;
import io.appliance.replication.wire.SyncStart;
import io.appliance.replication.wire.Uuids;
import io.appliance.replication.wire.Packet;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One resource on this node: the state machine behind the verbs. Every state transition, every
 * inbound packet and every I/O completion runs on one serial state executor, so the state needs
 * no locks; verbs submit to it and wait (bounded). Blocking metadata work runs on the local
 * disk's metadata thread, network work on Netty's event loops.
 */
public final class ResourceEngine implements ReplicatedResource {
    private static final Logger log = LoggerFactory.getLogger(ResourceEngine.class);
    private static final Duration MIN_VERB_WAIT = Duration.ofSeconds(20);
    private static final long TICK_MILLIS = 20;

    final String nodeName;
    private final ResourceDefinition definition;
    final ResourceOptions options;
    final ResourceHost self;
    final ResourceHost peer;
    final ReplicationEnvironment env;
    private final EventPublisher events;
    private final ExecutorService stateThread;
    private final Executor executor;
    private final Queue<Runnable> stateQueue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stateBatchScheduled = new AtomicBoolean();
    private final Runnable stateBatch = this::runStateBatch;
    private final StatusEvents statusEvents = new StatusEvents();
    final EngineCounters counters = new EngineCounters();
    final SyncCounters syncCounters = new SyncCounters();
    final IoPath io = new IoPath(this);
    final SyncDriver sync = new SyncDriver(this);
    final PeerProtocol protocol = new PeerProtocol(this);
    final ResizeDriver resizer = new ResizeDriver(this);
    private final ReplicatedBlockDevice device = new ReplicatedBlockDevice(this);
    final PeerMessages messages;

    // state, confined to the state executor
    boolean up;
    LocalDisk disk;
    Role role = Role.SECONDARY;
    DiskState diskState = DiskState.DISKLESS;
    ConnectionState connection = ConnectionState.STANDALONE;
    Role peerRole = Role.UNKNOWN;
    /** pause-sync on this node (DRBD's user_isp): the resync waits until resume-sync here. */
    boolean userPausedSync;
    /** The peer holds the resync paused (its State shows PausedSync). */
    boolean peerPausedSync;
    DiskState peerDisk = DiskState.DUNKNOWN;
    ReplicationState replication = ReplicationState.OFF;
    boolean discardMyData;
    long verifiedOutOfSyncBytes;
    String lastProblem;
    PeerSession session;
    private PeerLink link;
    private ScheduledFuture<?> ticker;
    private volatile boolean closing;
    private volatile long preUpSizeBytes;
    private long detachedSizeBytes;
    private volatile ResourceStatus lastStatus;

    public ResourceEngine(String nodeName, ResourceDefinition definition, ReplicationEnvironment env,
                          EventPublisher events) {
        this.nodeName = nodeName;
        this.definition = definition;
        this.options = definition.options();
        this.self = definition.requireHost(nodeName);
        this.peer = definition.peerOf(nodeName);
        this.env = env;
        this.events = events;
        this.stateThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, definition.name() + "-state@" + nodeName);
            thread.setDaemon(true);
            return thread;
        });
        this.executor = task -> {
            if (!closing) {
                enqueueState(task);
            }
        };
        this.messages = new PeerMessages(this, definition.name() + "-messages@" + nodeName);
        this.preUpSizeBytes = probeSize();
        this.lastStatus = buildStatus();
    }

    private long probeSize() {
        try {
            return LocalDisk.dataBytesOf(env.backingOpener(), self, options.alExtents());
        } catch (IOException | RuntimeException e) {
            log.info("{}: backing {} not readable yet: {}", name(), self.disk(), e.getMessage());
            return 0;
        }
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public ResourceDefinition definition() {
        return definition;
    }

    Executor executor() {
        return executor;
    }

    /** Runs a device request on the state executor, or fails it when the resource is closed. */
    void submitRequest(Runnable task, CompletableFuture<?> result) {
        if (closing) {
            result.completeExceptionally(new IOException(name() + ": resource closed"));
            return;
        }
        if (!enqueueState(task)) {
            result.completeExceptionally(new IOException(name() + ": resource closed"));
        }
    }

    /** Queues a task for the state thread unless the resource is closed; false when it will not run. */
    boolean trySubmit(Runnable task) {
        return !closing && enqueueState(task);
    }

    /**
     * Queues a task for the state thread. Tasks run in submission order, in batches: only the first
     * task of a batch wakes the state thread, the others are picked up by the running batch. Under
     * load (32 writes in flight, each with a local completion, a socket completion and an ack) this
     * replaces a lock and a thread wake-up per event by a lock-free queue insert.
     *
     * @return false when the state thread is gone (the task was dropped)
     */
    private boolean enqueueState(Runnable task) {
        stateQueue.add(task);
        if (stateBatchScheduled.compareAndSet(false, true)) {
            try {
                stateThread.execute(stateBatch);
            } catch (RejectedExecutionException e) {
                stateQueue.clear();
                log.debug("{}: task after close dropped", name());
                return false;
            }
        }
        return true;
    }

    private void runStateBatch() {
        stateBatchScheduled.set(false);
        Runnable task;
        while ((task = stateQueue.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("{}: state task failed", name(), e);
            }
        }
    }

    /** The device size as last published (cheap: no hop to the state executor). */
    long publishedSizeBytes() {
        return lastStatus.sizeBytes();
    }

    // ---------------------------------------------------------------- verbs

    @Override
    public void createMetadata(boolean force) {
        verb("create-md", () -> {
            if (up) {
                throw refused(Reason.ALREADY_UP, "Device is attached; run down first");
            }
            try {
                LocalDisk.createMetadata(env.backingOpener(), self, options.alExtents(),
                        GenerationIds.newGeneration(env.random()), force);
            } catch (MetadataException e) {
                throw fromMetadata(e);
            } catch (IOException e) {
                throw new ReplicationException(Reason.IO_ERROR, name() + ": create-md failed: " + e.getMessage(), e);
            }
            preUpSizeBytes = probeSize();
            log.info("{}: new meta data created on {} ({} bytes of data)", name(), self.disk(), preUpSizeBytes);
            return done();
        });
    }

    @Override
    public void up() {
        verb("up", () -> {
            if (up) {
                throw refused(Reason.ALREADY_UP, "Device is already up");
            }
            LocalDisk attached;
            try {
                attached = LocalDisk.attach(env.backingOpener(), self, options.alExtents(),
                        name() + "-md@" + nodeName);
            } catch (MetadataException e) {
                throw fromMetadata(e);
            } catch (IOException e) {
                throw new ReplicationException(Reason.IO_ERROR, name() + ": attach of " + self.disk() + " failed: "
                        + e.getMessage(), e);
            }
            MetadataFlags flags = attached.superblock().flags();
            if (!flags.cleanShutdown()) {
                attached.activityLog().applyToBitmap(attached.bitmap());
                log.info("{}: unclean shutdown: activity log applied to the bitmap ({} KiB out of sync)", name(),
                        attached.bitmap().outOfSyncBytes() / 1024);
            }
            MetadataFlags attachFlags = flags.onAttach().withCleanShutdown(false).withPrimaryIndicator(false)
                    .withConnectedIndicator(false);
            try {
                attached.updateSuperblock(sb -> sb.withFlags(attachFlags).withIds(sb.ids().withPrimaryFlag(false)))
                        .get(verbWait().toMillis(), TimeUnit.MILLISECONDS);
                attached.flushBitmap().get(verbWait().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                attached.close();
                throw new ReplicationException(Reason.IO_ERROR, name() + ": writing meta data failed: " + e, e);
            }
            disk = attached;
            diskState = flags.diskStateAtAttach();
            role = Role.SECONDARY;
            up = true;
            lastProblem = null;
            log.info("{}: attached {} disk:{} uuids:{} crashed-primary:{}", name(), self.disk(),
                    diskState.drbdName(), attached.superblock().ids(), attachFlags.crashedPrimary());
            ticker = env.scheduler().scheduleAtFixedRate(() -> executor.execute(this::tick), TICK_MILLIS, TICK_MILLIS,
                    TimeUnit.MILLISECONDS);
            startConnecting();
            return done();
        });
    }

    @Override
    public void down() {
        verb("down", () -> {
            if (!up) {
                return done();
            }
            if (role == Role.PRIMARY) {
                throw refused(Reason.BUSY, "State change failed: (-12) Device is held open by someone (Primary); demote first");
            }
            return io.idle().thenApplyAsync(ignored -> {
                takeDown();
                return null;
            }, executor);
        });
    }

    private void takeDown() {
        stopLink();
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
        if (disk != null) {
            LocalDisk closing = disk;
            disk = null;
            closing.close(sb -> sb.withFlags(sb.flags().withCleanShutdown(true).withPrimaryIndicator(false)
                    .withConnectedIndicator(false)));
        }
        up = false;
        diskState = DiskState.DISKLESS;
        role = Role.SECONDARY;
        connection = ConnectionState.STANDALONE;
        log.info("{}: down", name());
        published();
    }

    @Override
    public void primary(boolean force) {
        verb("primary", () -> {
            requireUp();
            if (role == Role.PRIMARY) {
                return done();
            }
            boolean connected = establishedSession() != null;
            PeerSummary peerSummary = connected
                    ? PeerSummary.connected(peerRole, peerDisk, options.allowTwoPrimaries())
                    : PeerSummary.notConnected(disk != null && disk.superblock().flags().peerOutdated(),
                            options.allowTwoPrimaries());
            Optional<PromotionRules.Refusal> refusal = PromotionRules.refusal(diskState,
                    connected ? ConnectionState.CONNECTED : connection, peerSummary, force);
            if (refusal.isPresent()) {
                Reason reason = refusal.get() == PromotionRules.Refusal.PEER_IS_PRIMARY ? Reason.PEER_IS_PRIMARY
                        : Reason.NEED_UP_TO_DATE;
                throw refused(reason, refusal.get().message());
            }
            if (disk == null) {
                role = Role.PRIMARY;
                sendState();
                log.info("{}: role Primary (diskless, I/O through {})", name(), peer.name());
                return done();
            }
            boolean forced = diskState != DiskState.UP_TO_DATE;
            boolean newGeneration = forced || !connected;
            long fresh = GenerationIds.newGeneration(env.random());
            CompletableFuture<Superblock> persisted = disk.updateSuperblock(sb -> {
                GenerationIds ids = newGeneration ? sb.ids().newCurrent(fresh) : sb.ids();
                long epoch = Math.max(sb.epoch(), sb.peerEpoch()) + 1;
                return sb.withIds(ids.withPrimaryFlag(true)).withEpoch(epoch)
                        .withFlags(sb.flags().withPrimaryIndicator(true).withConsistent(true).withWasUpToDate(true));
            });
            return persisted.thenApplyAsync(sb -> {
                role = Role.PRIMARY;
                diskState = DiskState.UP_TO_DATE;
                log.info("{}: role Primary{} epoch {} uuids {}", name(), forced ? " (forced)" : "", sb.epoch(), sb.ids());
                PeerSession current = establishedSession();
                if (current != null) {
                    current.send(uuidsPacket());
                    sendState();
                    if (forced) {
                        disk.bitmap().setAll();
                        current.send(new SyncStart(true, true));
                        sync.startSource(current);
                    }
                }
                published();
                return null;
            }, executor);
        });
    }

    @Override
    public void secondary() {
        verb("secondary", () -> {
            requireUp();
            if (role != Role.PRIMARY) {
                return done();
            }
            role = Role.SECONDARY;
            published();
            return io.idle().thenComposeAsync(ignored -> {
                sendState();
                if (disk == null) {
                    return CompletableFuture.completedFuture(null);
                }
                return disk.updateSuperblock(sb -> sb.withIds(sb.ids().withPrimaryFlag(false))
                        .withFlags(sb.flags().withPrimaryIndicator(false))).thenApply(sb -> {
                            log.info("{}: role Secondary", name());
                            return null;
                        });
            }, executor);
        });
    }

    @Override
    public void connect(boolean discardMyData) {
        verb("connect", () -> {
            requireUp();
            if (connection != ConnectionState.STANDALONE) {
                throw refused(Reason.ALREADY_CONNECTED, "Already connected or connecting (" + connection.drbdName() + ")");
            }
            this.discardMyData = discardMyData;
            lastProblem = null;
            startConnecting();
            return done();
        });
    }

    @Override
    public void disconnect() {
        verb("disconnect", () -> {
            requireUp();
            if (connection == ConnectionState.STANDALONE) {
                return done();
            }
            stopLink();
            published();
            return done();
        });
    }

    @Override
    public void verify() {
        verb("verify", () -> {
            PeerSession current = requireEstablished();
            if (options.verifyAlg().isEmpty()) {
                throw refused(Reason.INVALID, "verify-alg not set in the net section");
            }
            if (disk == null || diskState != DiskState.UP_TO_DATE || peerDisk != DiskState.UP_TO_DATE) {
                throw refused(Reason.NEED_UP_TO_DATE, "State change failed: (-2) Need access to UpToDate data");
            }
            verifiedOutOfSyncBytes = 0;
            sync.startVerify(current);
            return done();
        });
    }

    @Override
    public void pauseSync() {
        verb("pause-sync", () -> {
            requireEstablished();
            if (replication != ReplicationState.SYNC_SOURCE && replication != ReplicationState.SYNC_TARGET) {
                throw refused(Reason.INVALID, "pause-sync: no resync is running (replication "
                        + shownReplication().drbdName() + ")");
            }
            if (!userPausedSync) {
                userPausedSync = true;
                sendState();
                log.info("{}: resync paused by the user (pause-sync)", name());
                pauseChanged();
            }
            return done();
        });
    }

    @Override
    public void resumeSync() {
        verb("resume-sync", () -> {
            requireEstablished();
            if (!userPausedSync) {
                throw refused(Reason.INVALID, "resume-sync: the resync is not paused on this node"
                        + (peerPausedSync ? " (" + peer.name() + " paused it: resume-sync there)" : ""));
            }
            userPausedSync = false;
            sendState();
            log.info("{}: resync resumed by the user (resume-sync){}", name(),
                    peerPausedSync ? "; " + peer.name() + " still holds it paused" : "");
            pauseChanged();
            return done();
        });
    }

    @Override
    public void invalidate() {
        verb("invalidate", () -> {
            requireUp();
            if (disk == null) {
                throw refused(Reason.INVALID, "No local disk to invalidate");
            }
            PeerSession current = establishedSession();
            if (current != null) {
                if (peerDisk != DiskState.UP_TO_DATE || replication != ReplicationState.ESTABLISHED) {
                    throw refused(Reason.NEED_UP_TO_DATE, "State change failed: (-2) Need access to UpToDate data");
                }
                disk.bitmap().setAll();
                diskState = DiskState.INCONSISTENT;
                current.send(new SyncStart(false, true));
                log.info("{}: invalidate: asking {} to become SyncSource", name(), peer.name());
                return done();
            }
            if (role == Role.PRIMARY) {
                throw refused(Reason.NEED_UP_TO_DATE, "State change failed: (-2) Need access to UpToDate data");
            }
            disk.bitmap().setAll();
            diskState = DiskState.INCONSISTENT;
            return persistFlags(flags -> flags.withConsistent(false).withWasUpToDate(false)).thenApply(sb -> {
                published();
                return null;
            });
        });
    }

    @Override
    public void invalidateRemote() {
        verb("invalidate-remote", () -> {
            PeerSession current = requireEstablished();
            if (disk == null || diskState != DiskState.UP_TO_DATE) {
                throw refused(Reason.NEED_UP_TO_DATE, "State change failed: (-2) Need access to UpToDate data");
            }
            if (replication != ReplicationState.ESTABLISHED) {
                throw refused(Reason.BUSY, "State change failed: (-10) a resync or verify is running");
            }
            disk.bitmap().setAll();
            current.send(new SyncStart(true, true));
            sync.startSource(current);
            published();
            return done();
        });
    }

    @Override
    public void newCurrentUuid(boolean clearBitmap) {
        verb("new-current-uuid", () -> {
            requireUp();
            if (disk == null) {
                throw refused(Reason.INVALID, "No local disk");
            }
            long fresh = GenerationIds.newGeneration(env.random());
            if (!clearBitmap) {
                if (establishedSession() != null) {
                    throw refused(Reason.INVALID, "new-current-uuid without --clear-bitmap needs a disconnected resource");
                }
                return disk.updateSuperblock(sb -> sb.withIds(sb.ids().newCurrent(fresh))).thenApply(sb -> null);
            }
            PeerSession current = requireEstablished();
            boolean blank = disk.superblock().ids().isJustCreated() && diskState == DiskState.INCONSISTENT
                    && current.peerUuids != null && current.peerUuids.ids().isJustCreated()
                    && peerDisk == DiskState.INCONSISTENT;
            if (!blank) {
                throw refused(Reason.INVALID, "--clear-bitmap (skip initial sync) needs both nodes Inconsistent with"
                        + " just created meta data");
            }
            return skipInitialSync(fresh).thenApplyAsync(sb -> {
                current.send(new ResyncFinished(sb.ids()));
                log.info("{}: new current UUID {} with cleared bitmap: initial sync skipped", name(), sb.ids());
                return null;
            }, executor);
        });
    }

    /** Both sides of "skip initial sync": the same fresh current, empty bitmap, UpToDate. */
    CompletableFuture<Superblock> skipInitialSync(long fresh) {
        disk.bitmap().clearAll();
        return disk.updateSuperblock(sb -> sb.withIds(sb.ids().skipInitialSync(fresh))
                .withFlags(sb.flags().withConsistent(true).withWasUpToDate(true)))
                .thenApplyAsync(sb -> {
                    disk.flushBitmap();
                    diskState = DiskState.UP_TO_DATE;
                    if (establishedSession() != null && peerDisk == DiskState.INCONSISTENT) {
                        peerDisk = DiskState.UP_TO_DATE;
                    }
                    published();
                    return sb;
                }, executor);
    }

    @Override
    public void outdate() {
        verb("outdate", () -> {
            requireUp();
            if (disk == null) {
                throw refused(Reason.INVALID,
                        "State change failed: (-11) Device is diskless, the requested operation requires a disk");
            }
            if (role == Role.PRIMARY) {
                throw refused(Reason.NEED_UP_TO_DATE, "State change failed: (-2) Need access to UpToDate data");
            }
            if (session != null && session.phase != PeerSession.Phase.CLOSED) {
                throw refused(Reason.ALREADY_CONNECTED,
                        "State change failed: (-6) Refusing to be Outdated while Connected");
            }
            if (diskState == DiskState.OUTDATED) {
                return done();
            }
            if (diskState != DiskState.UP_TO_DATE && diskState != DiskState.CONSISTENT) {
                throw refused(Reason.INVALID, "State change failed: (-16) Disk state is lower than outdated");
            }
            DiskState previous = diskState;
            diskState = DiskState.OUTDATED;
            return persistFlags(flags -> flags.withWasUpToDate(false)).thenApplyAsync(sb -> {
                log.info("{}: disk( {} -> Outdated )", name(), previous.drbdName());
                published();
                return null;
            }, executor);
        });
    }

    @Override
    public void resize() {
        verb("resize", () -> {
            PeerSession current = requireEstablished();
            if (disk == null) {
                throw refused(Reason.INVALID,
                        "State change failed: (-11) Device is diskless, the requested operation requires a disk");
            }
            if (self.metaDisk() instanceof io.appliance.config.replication.MetaDisk.External) {
                throw refused(Reason.INVALID, "resize with an external meta-disk is not supported by this version");
            }
            if (replication != ReplicationState.ESTABLISHED) {
                throw refused(Reason.BUSY, "State change failed: (-10) a resync or verify is running");
            }
            if (diskState != DiskState.UP_TO_DATE || peerDisk != DiskState.UP_TO_DATE) {
                throw refused(Reason.NEED_UP_TO_DATE, "State change failed: (-2) Need access to UpToDate data");
            }
            return resizer.start(current);
        });
    }

    @Override
    public ResourceStatus status() {
        CompletableFuture<ResourceStatus> snapshot = new CompletableFuture<>();
        executor.execute(() -> snapshot.complete(buildStatus()));
        try {
            return snapshot.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return lastStatus;
        }
    }

    @Override
    public BlockDevice device() {
        return device;
    }

    @Override
    public CompletableFuture<Void> sendToPeer(String channel, byte[] payload) {
        return messages.send(channel, payload);
    }

    @Override
    public void onPeerMessage(String channel, PeerMessageHandler handler) {
        messages.register(channel, handler);
    }

    /** The current state as events2 {@code exists} lines. */
    public List<ReplicationEvent> currentStateEvents() {
        return StatusEvents.current(status(), env.clock().instant());
    }

    /** Node close: demote an idle Primary and take the resource down. */
    public void shutdown() {
        try {
            if (status().role() == Role.PRIMARY) {
                secondary();
            }
            down();
        } catch (ReplicationException e) {
            log.warn("{}: shutdown: {}", name(), e.getMessage());
        }
    }

    /**
     * Stops the resource at once, like a process exit: the link is dropped, the disk closed without
     * a clean-shutdown mark (the next up treats it as a crash), later requests fail. Call
     * {@link #shutdown()} first for an orderly stop.
     */
    public void close() {
        closing = true;
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        try {
            stateThread.execute(() -> {
                abandon();
                messages.close();
                stopped.complete(null);
            });
            stopped.get(10, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("{}: already closed", name());
        } catch (Exception e) {
            log.warn("{}: close: {}", name(), e.toString());
        }
        stateThread.shutdown();
    }

    private void abandon() {
        if (!up) {
            return;
        }
        log.warn("{}: closed while up: metadata left as after a crash", name());
        if (ticker != null) {
            ticker.cancel(false);
        }
        PeerLink stopping = link;
        link = null;
        session = null;
        if (stopping != null) {
            stopping.stop();
        }
        sync.abort();
        resizer.abort("resource closed");
        if (disk != null) {
            disk.close();
            disk = null;
        }
        up = false;
    }

    // ---------------------------------------------------------------- verb plumbing

    private static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }

    private Duration verbWait() {
        Duration scaled = options.timeout().multipliedBy(4);
        return scaled.compareTo(MIN_VERB_WAIT) < 0 ? MIN_VERB_WAIT : scaled;
    }

    private void verb(String verb, Supplier<CompletableFuture<?>> action) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                action.get().whenComplete((value, error) -> {
                    if (error != null) {
                        outcome.completeExceptionally(error);
                    } else {
                        outcome.complete(value);
                    }
                });
            } catch (RuntimeException e) {
                outcome.completeExceptionally(e);
            } finally {
                published();
            }
        });
        try {
            outcome.get(verbWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ReplicationException(Reason.TIMEOUT, name() + ": " + verb + " did not complete within " + verbWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicationException(Reason.TIMEOUT, name() + ": " + verb + " interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = IoPath.unwrap(e.getCause());
            if (cause instanceof ReplicationException replication) {
                throw replication;
            }
            throw new ReplicationException(Reason.IO_ERROR, name() + ": " + verb + " failed: " + cause.getMessage(), cause);
        }
    }

    ReplicationException refused(Reason reason, String message) {
        return new ReplicationException(reason, name() + ": " + message);
    }

    private ReplicationException fromMetadata(MetadataException e) {
        Reason reason = switch (e.reason()) {
            case NO_METADATA -> Reason.NO_METADATA;
            case CORRUPT -> Reason.METADATA_CORRUPT;
            case EXISTS -> Reason.METADATA_EXISTS;
            case TOO_SMALL, GEOMETRY_MISMATCH -> Reason.SIZE_MISMATCH;
            default -> Reason.IO_ERROR;
        };
        return new ReplicationException(reason, name() + ": " + e.getMessage(), e);
    }

    private void requireUp() {
        if (!up) {
            throw refused(Reason.NOT_UP, "resource is not up (run up first)");
        }
    }

    private PeerSession requireEstablished() {
        requireUp();
        PeerSession current = establishedSession();
        if (current == null) {
            throw refused(Reason.NOT_CONNECTED, "State change failed: (-15) Need a connection to start verify or resync");
        }
        return current;
    }

    CompletableFuture<Superblock> persistFlags(UnaryOperator<MetadataFlags> change) {
        if (disk == null) {
            return CompletableFuture.completedFuture(null);
        }
        return disk.updateSuperblock(sb -> sb.withFlags(change.apply(sb.flags())));
    }

    // ---------------------------------------------------------------- link

    private void startConnecting() {
        boolean connector = nodeName.compareTo(peer.name()) < 0;
        PeerLink.Settings settings = new PeerLink.Settings(name(), connector,
                new InetSocketAddress(self.addressHost(), self.port()),
                new InetSocketAddress(peer.addressHost(), peer.port()), options.maxDataPacketBytes(),
                options.connectInterval(), options.pingInterval(), options.pingTimeout());
        link = new PeerLink(settings, env.eventLoops(), new LinkEvents());
        connection = ConnectionState.CONNECTING;
        link.start();
    }

    private void stopLink() {
        PeerLink stopping = link;
        link = null;
        if (stopping != null) {
            connection = ConnectionState.DISCONNECTING;
            stopping.stop();
        }
        PeerSession current = session;
        if (current != null) {
            linkLost(current);
        }
        connection = ConnectionState.STANDALONE;
    }

    /** A refused or failed handshake that needs the admin: StandAlone with the reason. */
    void goStandAlone(String problem) {
        lastProblem = problem;
        log.warn("{}: {}; going StandAlone", name(), problem);
        stopLink();
        published();
    }

    void problem(String problem) {
        lastProblem = problem;
        published();
    }

    /** Netty callbacks, handed to the state executor. */
    private final class LinkEvents implements PeerLink.Listener {
        @Override
        public void linkUp(Channel channel, boolean outbound) {
            executor.execute(() -> {
                if (link == null || session != null) {
                    channel.close();
                    return;
                }
                session = new PeerSession(channel, outbound, executor);
                log.info("{}: connection to {} established ({}), handshake", name(), channel.remoteAddress(),
                        outbound ? "outbound" : "inbound");
                protocol.start(session);
            });
        }

        @Override
        public void received(Channel channel, Packet packet) {
            executor.execute(() -> {
                PeerSession current = session;
                if (current == null || current.channel() != channel || current.phase == PeerSession.Phase.CLOSED) {
                    ReferenceCountUtil.release(packet);
                    return;
                }
                protocol.onPacket(current, packet);
            });
        }

        @Override
        public void linkDown(Channel channel) {
            executor.execute(() -> {
                PeerSession current = session;
                if (current != null && current.channel() == channel) {
                    linkLost(current);
                    if (link != null) {
                        connection = ConnectionState.CONNECTING;
                    }
                    published();
                }
            });
        }

        @Override
        public void writabilityChanged(Channel channel) {
            executor.execute(() -> {
                if (session != null && session.channel() == channel && channel.isWritable()) {
                    io.writable();
                }
            });
        }

        @Override
        public void problem(String message) {
            executor.execute(() -> ResourceEngine.this.problem(message));
        }
    }

    /** The connection is gone (any reason): requests complete locally, sync stops, the Primary starts a new generation. */
    void linkLost(PeerSession lost) {
        if (session != lost) {
            return;
        }
        session = null;
        boolean wasConnected = lost.phase == PeerSession.Phase.ESTABLISHED;
        lost.close();
        io.linkLost();
        messages.linkLost();
        sync.abort();
        resizer.abort("connection to " + peer.name() + " lost");
        if (wasConnected) {
            log.info("{}: connection to {} lost (peer was {} / {})", name(), peer.name(), peerRole.drbdName(),
                    peerDisk.drbdName());
        }
        if (replication == ReplicationState.SYNC_TARGET || replication == ReplicationState.PAUSED_SYNC_T) {
            diskState = DiskState.INCONSISTENT;
        }
        peerRole = Role.UNKNOWN;
        peerDisk = DiskState.DUNKNOWN;
        replication = ReplicationState.OFF;
        connection = link != null ? ConnectionState.CONNECTING : ConnectionState.STANDALONE;
        if (disk != null && wasConnected) {
            boolean newGeneration = role == Role.PRIMARY && diskState == DiskState.UP_TO_DATE;
            long fresh = GenerationIds.newGeneration(env.random());
            disk.flushBitmap();
            disk.updateSuperblock(sb -> {
                GenerationIds ids = sb.ids();
                if (newGeneration && GenerationIds.generation(ids.bitmap()) == 0) {
                    ids = ids.newCurrent(fresh);
                    log.info("{}: new current UUID {} (Primary lost its peer)", name(), GenerationIds.hex(ids.current()));
                }
                return sb.withIds(ids).withFlags(sb.flags().withConnectedIndicator(false));
            });
        }
        published();
    }

    PeerSession establishedSession() {
        PeerSession current = session;
        return current != null && current.phase == PeerSession.Phase.ESTABLISHED ? current : null;
    }

    void sendState() {
        PeerSession current = session;
        if (current != null && current.bundleSent) {
            current.send(statePacket());
        }
    }

    /** Tells the peer this node's own pause (PausedSync while paused here), never a pause the peer holds. */
    State statePacket() {
        long epoch = disk == null ? 0 : disk.superblock().epoch();
        return new State(role, diskState, userPausedSync ? paused(replication) : replication, epoch);
    }

    /** The replication state as shown: PausedSyncS/T while either node holds the resync paused. */
    ReplicationState shownReplication() {
        return userPausedSync || peerPausedSync ? paused(replication) : replication;
    }

    private static ReplicationState paused(ReplicationState state) {
        return switch (state) {
            case SYNC_SOURCE -> ReplicationState.PAUSED_SYNC_S;
            case SYNC_TARGET -> ReplicationState.PAUSED_SYNC_T;
            default -> state;
        };
    }

    /** After a pause changed: a SyncTarget stops or restarts asking for blocks. */
    void pauseChanged() {
        sync.paused(userPausedSync || peerPausedSync);
        published();
    }

    Uuids uuidsPacket() {
        GenerationIds ids = disk == null ? GenerationIds.justCreated() : disk.superblock().ids();
        boolean crashed = disk != null && disk.superblock().flags().crashedPrimary();
        long outOfSync = disk == null ? 0 : disk.bitmap().cardinality();
        return Uuids.of(ids, outOfSync, crashed, discardMyData);
    }

    // ---------------------------------------------------------------- data path hooks

    long sizeBytes() {
        if (disk == null) {
            return up ? detachedSizeBytes : preUpSizeBytes;
        }
        Superblock sb = disk.superblock();
        long agreed = sb.lastAgreedBytes();
        return agreed > 0 ? Math.min(agreed, disk.dataBytes()) : disk.dataBytes();
    }

    /** A local I/O error: with on-io-error detach the disk goes away and I/O continues through the peer. */
    void localIoError(Throwable error) {
        log.error("{}: local I/O error on {}: {}", name(), self.disk(), error.toString());
        if (options.onIoError() != OnIoError.DETACH || disk == null) {
            return;
        }
        LocalDisk failed = disk;
        detachedSizeBytes = sizeBytes();
        disk = null;
        diskState = DiskState.DISKLESS;
        lastProblem = "local I/O error on " + self.disk() + ": " + error.getMessage() + "; detached (on-io-error detach)";
        log.error("{}: {}", name(), lastProblem);
        sync.abort();
        resizer.abort("local disk detached");
        if (replication != ReplicationState.ESTABLISHED && replication != ReplicationState.OFF) {
            replication = ReplicationState.ESTABLISHED;
        }
        sendState();
        failed.close();
        published();
    }

    void logPeerFailure(String message) {
        log.warn("{}: {}", name(), message);
    }

    void resyncWillBeOverwritten(long offset, long length) {
        sync.applicationWrite(offset, length);
    }

    private void tick() {
        if (!up) {
            return;
        }
        sync.tick();
        PeerSession current = establishedSession();
        if (current != null && io.oldestPeerWaitNanos(System.nanoTime()) > options.timeout().toNanos()) {
            problem("peer did not answer a data packet within timeout " + options.timeout().toMillis() + " ms");
            current.close();
        }
    }

    // ---------------------------------------------------------------- status and events

    /** Re-reads the state, publishes events for what changed. State executor only. */
    void published() {
        ResourceStatus status = buildStatus();
        lastStatus = status;
        for (ReplicationEvent event : statusEvents.changes(status, env.clock().instant())) {
            events.publish(event);
        }
    }

    private ResourceStatus buildStatus() {
        GenerationIds ids = disk == null ? GenerationIds.justCreated() : disk.superblock().ids();
        long epoch = disk == null ? 0 : disk.superblock().epoch();
        long outOfSync = disk == null ? 0 : disk.bitmap().outOfSyncBytes();
        ConnectionState shownConnection = establishedSession() != null ? ConnectionState.CONNECTED : connection;
        SyncCounters.Snapshot syncSnapshot = syncCounters.snapshot();
        long alTransactions = disk == null ? counters.alTransactions.sum() : disk.activityLog().transactions();
        long bitmapWrites = disk == null ? 0 : disk.bitmap().pageWrites();
        ResourceStatus.Counters shownCounters = new ResourceStatus.Counters(counters.appWrittenBytes.sum(),
                counters.appReadBytes.sum(), counters.sentBytes.sum(), counters.receivedBytes.sum(),
                syncSnapshot.sentBytes(), syncSnapshot.receivedBytes(), syncSnapshot.skippedBytes(),
                syncSnapshot.verifiedBytes(), alTransactions, bitmapWrites);
        return new ResourceStatus(name(), role, diskState, false, sizeBytes(), shownConnection, peer.name(),
                shownConnection == ConnectionState.CONNECTED ? peerRole : Role.UNKNOWN,
                shownConnection == ConnectionState.CONNECTED ? peerDisk : DiskState.DUNKNOWN,
                shownConnection == ConnectionState.CONNECTED ? shownReplication() : ReplicationState.OFF, outOfSync,
                userPausedSync || peerPausedSync ? sync.progress().map(SyncProgress::stopped) : sync.progress(),
                verifiedOutOfSyncBytes, ids, epoch, shownCounters, Optional.ofNullable(lastProblem));
    }
}
