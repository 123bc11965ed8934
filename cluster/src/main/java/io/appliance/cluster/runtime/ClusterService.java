package io.appliance.cluster.runtime;

import io.appliance.cluster.agent.AgentRegistry;
import io.appliance.cluster.fence.FenceDevice;
import io.appliance.cluster.placement.AdminState;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.OperationDefinition;
import io.appliance.config.cluster.PrimitiveDefinition;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Production wrapper of a {@link ClusterNodeRuntime}: one single-thread scheduled executor "cluster-state" owns
 * the runtime, ticks it every keepalive/4 and receives the transport's callbacks; agent operations run on an
 * agent worker pool and fencing on a fencing pool, both posting back to "cluster-state".
 */
public final class ClusterService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterService.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);

    private final ClusterDefinition definition;
    private final ClusterTransport transport;
    private final ScheduledExecutorService stateThread;
    private final ExecutorService agentWorkers;
    private final ExecutorService fenceWorkers;
    private final ClusterNodeRuntime runtime;
    private final List<Consumer<ClusterEvent>> subscribers = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<AdminState>> pendingAdmin = new HashMap<>();
    private boolean closed;

    public ClusterService(ClusterDefinition definition, String localNode, ClusterTransport transport,
            AgentRegistry agents, List<FenceDevice> fenceDevices, AdminStateStore store, NodeAttributes attributes) {
        this.definition = definition;
        this.transport = transport;
        this.stateThread = Executors.newSingleThreadScheduledExecutor(named("cluster-state", false));
        this.agentWorkers = Executors.newCachedThreadPool(named("cluster-agent", true));
        this.fenceWorkers = Executors.newCachedThreadPool(named("cluster-fence", true));
        Clock clock = Clock.systemUTC();
        LocalResourceManager lrm = new LocalResourceManager(agents, definition.resources(), agentWorkers, stateThread,
                clock);
        FencingService fencing = new DeviceFencing(fenceDevices, definition.fencing().action(), fenceWorkers,
                stateThread);
        this.runtime = new ClusterNodeRuntime(definition, localNode, clock, transport, lrm, fencing, store,
                attributes, this::publish);
    }

    public void start() throws Exception {
        onState(runtime::start).get();
        transport.start(new ClusterTransport.Listener() {
            @Override
            public void onView(MembershipView view) {
                onState(() -> {
                    runtime.onView(view);
                    completeAdminRequests();
                });
            }

            @Override
            public void onMessage(String fromNode, byte[] payload) {
                onState(() -> {
                    runtime.onMessage(fromNode, payload);
                    completeAdminRequests();
                });
            }
        });
        long period = Math.max(1, definition.timing().keepalive().toMillis() / 4);
        stateThread.scheduleAtFixedRate(() -> {
            try {
                runtime.tick();
                completeAdminRequests();
            } catch (RuntimeException e) {
                LOG.error("cluster tick failed", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /** A snapshot, waiting at most 2 s for the state thread. */
    public ClusterStatus status() {
        try {
            return stateThread.submit(runtime::status).get(STATUS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the cluster status", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cluster status not available within 2 s", e);
        }
    }

    /**
     * Sends the change to the coordinator; completes when the coordinator applied it and this node saw the
     * result, fails after 10 s with "no coordinator with quorum".
     */
    public CompletionStage<AdminState> requestAdminChange(AdminChange change) {
        AdminChange withId = change.requestId() != null ? change
                : new AdminChange(change.kind(), change.resource(), change.node(), change.enabled(),
                        UUID.randomUUID().toString());
        CompletableFuture<AdminState> result = new CompletableFuture<>();
        onState(() -> {
            pendingAdmin.put(withId.requestId(), result);
            runtime.requestAdminChange(withId);
            completeAdminRequests();
        });
        stateThread.schedule(() -> {
            if (pendingAdmin.remove(withId.requestId()) != null) {
                result.completeExceptionally(new IllegalStateException("no coordinator with quorum applied "
                        + withId.kind() + " within " + ADMIN_TIMEOUT.toSeconds() + " s"));
            }
        }, ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return result;
    }

    public AutoCloseable subscribe(Consumer<ClusterEvent> listener) {
        subscribers.add(listener);
        return () -> subscribers.remove(listener);
    }

    /** Leaves cleanly (stops everything), bounded by selfFenceTimeout plus the stop timeouts, then closes. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Duration bound = definition.fencing().selfFenceTimeout().plus(stopTimeouts());
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            onState(runtime::leave).get(bound.toMillis(), TimeUnit.MILLISECONDS);
            while (System.nanoTime() < deadline) {
                if (stateThread.submit(runtime::leftCleanly).get(1, TimeUnit.SECONDS)) {
                    break;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("leaving the cluster did not finish cleanly: {}", e.toString());
        } finally {
            transport.close();
            stateThread.shutdownNow();
            agentWorkers.shutdownNow();
            fenceWorkers.shutdownNow();
        }
    }

    private Duration stopTimeouts() {
        Duration total = Duration.ZERO;
        for (PrimitiveDefinition primitive : definition.resources().primitives()) {
            total = total.plus(primitive.operation(OperationDefinition.STOP).map(OperationDefinition::timeout)
                    .orElse(OperationDefinition.DEFAULT_TIMEOUT));
        }
        return total;
    }

    private void completeAdminRequests() {
        pendingAdmin.entrySet().removeIf(entry -> {
            var applied = runtime.appliedAdminRequest(entry.getKey());
            applied.ifPresent(state -> entry.getValue().complete(state));
            return applied.isPresent();
        });
    }

    private CompletableFuture<Void> onState(Runnable action) {
        return CompletableFuture.runAsync(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.error("cluster state action failed", e);
                throw e;
            }
        }, stateThread);
    }

    private void publish(ClusterEvent event) {
        LOG.info("{}", event);
        for (Consumer<ClusterEvent> subscriber : subscribers) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("event subscriber failed: {}", e.toString());
            }
        }
    }

    private static ThreadFactory named(String prefix, boolean numbered) {
        AtomicInteger counter = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, numbered ? prefix + "-" + counter.incrementAndGet() : prefix);
            thread.setDaemon(true);
            return thread;
        };
    }
}
