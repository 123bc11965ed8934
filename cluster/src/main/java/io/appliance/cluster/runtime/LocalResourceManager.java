package io.appliance.cluster.runtime;

import io.appliance.cluster.agent.AgentRegistry;
import io.appliance.cluster.agent.AgentResult;
import io.appliance.cluster.agent.OcfStatus;
import io.appliance.cluster.agent.ResourceAgent;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.ResourceConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs agent operations off the runtime thread with the operation's timeout and posts completions back through
 * the {@code completions} executor (the runtime's thread). Never two operations at once on one resource: a
 * second request waits in a per-resource queue; an operation that outlives its timeout is interrupted and
 * reported as {@link OcfStatus#TIMEOUT}, and the resource stays busy until the agent's thread really returns.
 * Timeouts and recurring monitors are driven by {@link #tick()} on the runtime thread, with the injected clock.
 * Every method except the worker tasks runs on the runtime thread.
 */
public final class LocalResourceManager {

    /** The unit of work given to the agent worker pool; names its resource and operation. */
    public static final class OperationTask implements Runnable {
        private final String resourceId;
        private final String operation;
        private final Runnable body;

        OperationTask(String resourceId, String operation, Runnable body) {
            this.resourceId = resourceId;
            this.operation = operation;
            this.body = body;
        }

        public String resourceId() {
            return resourceId;
        }

        public String operation() {
            return operation;
        }

        @Override
        public void run() {
            body.run();
        }
    }

    private record Request(String operation, Duration timeout, Consumer<OperationOutcome> done) {
    }

    private static final class Running {
        final Request request;
        final Instant started;
        final Instant deadline;
        Future<?> future;
        boolean timedOut;
        final java.util.concurrent.atomic.AtomicBoolean agentCalled = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicBoolean agentReturned = new java.util.concurrent.atomic.AtomicBoolean();

        Running(Request request, Instant started, Instant deadline) {
            this.request = request;
            this.started = started;
            this.deadline = deadline;
        }
    }

    private record Monitor(Duration interval, Duration timeout, Consumer<OperationOutcome> done) {
    }

    private final AgentRegistry registry;
    private final Map<String, PrimitiveDefinition> primitives = new HashMap<>();
    private final ExecutorService agentWorkers;
    private final Executor completions;
    private final Clock clock;
    private final Map<String, ResourceAgent> agents = new HashMap<>();
    private final Map<String, Running> running = new HashMap<>();
    private final Map<String, Deque<Request>> waiting = new HashMap<>();
    private final Map<String, Monitor> monitors = new HashMap<>();
    private final Map<String, Instant> nextMonitor = new HashMap<>();

    public LocalResourceManager(AgentRegistry registry, ResourceConfiguration resources, ExecutorService agentWorkers,
            Executor completions, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.agentWorkers = Objects.requireNonNull(agentWorkers, "agentWorkers");
        this.completions = Objects.requireNonNull(completions, "completions");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (PrimitiveDefinition primitive : resources.primitives()) {
            primitives.put(primitive.id(), primitive);
        }
    }

    /** Runs {@code operation} (start, stop or monitor) now, or after the resource's current operation. */
    public void execute(String resourceId, String operation, Duration timeout, Consumer<OperationOutcome> done) {
        if (!primitives.containsKey(resourceId)) {
            throw new IllegalArgumentException("unknown resource " + resourceId);
        }
        Request request = new Request(operation, timeout, done);
        if (running.containsKey(resourceId)) {
            waiting.computeIfAbsent(resourceId, id -> new ArrayDeque<>()).add(request);
        } else {
            launch(resourceId, request);
        }
    }

    /** Whether an operation of the resource is running or waiting. */
    public boolean busy(String resourceId) {
        return running.containsKey(resourceId) || !waiting.getOrDefault(resourceId, new ArrayDeque<>()).isEmpty();
    }

    /** Monitors the resource every {@code interval} (the first one after an interval) until {@link #cancelMonitor}. */
    public void scheduleMonitor(String resourceId, Duration interval, Duration timeout, Consumer<OperationOutcome> done) {
        monitors.put(resourceId, new Monitor(interval, timeout, done));
        nextMonitor.put(resourceId, clock.instant().plus(interval));
    }

    public void cancelMonitor(String resourceId) {
        monitors.remove(resourceId);
        nextMonitor.remove(resourceId);
    }

    public boolean monitoring(String resourceId) {
        return monitors.containsKey(resourceId);
    }

    /** Times out overdue operations and starts monitors that are due. Call on the runtime thread. */
    public void tick() {
        Instant now = clock.instant();
        for (Map.Entry<String, Running> entry : List.copyOf(running.entrySet())) {
            Running op = entry.getValue();
            if (!op.timedOut && !now.isBefore(op.deadline)) {
                op.timedOut = true;
                if (op.future != null) {
                    op.future.cancel(true);
                }
                op.request.done().accept(new OperationOutcome(entry.getKey(), op.request.operation(),
                        AgentResult.of(OcfStatus.TIMEOUT, op.request.operation() + " did not finish within "
                                + op.request.timeout().toMillis() + " ms"),
                        now, Duration.between(op.started, now)));
                if (!op.agentCalled.get() || op.agentReturned.get()) {
                    finishSlot(entry.getKey(), op);
                }
            }
        }
        for (Map.Entry<String, Monitor> entry : List.copyOf(monitors.entrySet())) {
            String id = entry.getKey();
            Instant due = nextMonitor.get(id);
            if (due != null && !now.isBefore(due) && !busy(id)) {
                Monitor monitor = entry.getValue();
                nextMonitor.put(id, now.plus(monitor.interval()));
                launch(id, new Request("monitor", monitor.timeout(), monitor.done()));
            }
        }
    }

    private void launch(String resourceId, Request request) {
        Instant now = clock.instant();
        Running op = new Running(request, now, now.plus(request.timeout()));
        running.put(resourceId, op);
        ResourceAgent agent;
        try {
            agent = agents.computeIfAbsent(resourceId, id -> registry.create(primitives.get(id)));
        } catch (RuntimeException e) {
            completions.execute(() -> complete(resourceId, op,
                    AgentResult.of(OcfStatus.ERR_CONFIGURED, "no agent for " + resourceId + ": " + e.getMessage())));
            return;
        }
        OperationTask task = new OperationTask(resourceId, request.operation(), () -> {
            op.agentCalled.set(true);
            AgentResult result = call(agent, request.operation());
            op.agentReturned.set(true);
            completions.execute(() -> complete(resourceId, op, result));
        });
        op.future = agentWorkers.submit(task);
    }

    private static AgentResult call(ResourceAgent agent, String operation) {
        try {
            AgentResult result = switch (operation) {
                case "start" -> agent.start();
                case "stop" -> agent.stop();
                case "monitor" -> agent.monitor();
                default -> AgentResult.of(OcfStatus.ERR_UNIMPLEMENTED, "unknown operation " + operation);
            };
            return result == null ? AgentResult.failed("agent returned no result") : result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AgentResult.of(OcfStatus.TIMEOUT, operation + " interrupted");
        } catch (RuntimeException e) {
            return AgentResult.failed(operation + " threw " + e);
        }
    }

    private void complete(String resourceId, Running op, AgentResult result) {
        if (running.get(resourceId) != op) {
            return;
        }
        if (op.timedOut) {
            finishSlot(resourceId, op);
            return;
        }
        Instant now = clock.instant();
        running.remove(resourceId);
        op.request.done().accept(new OperationOutcome(resourceId, op.request.operation(), result, now,
                Duration.between(op.started, now)));
        launchNext(resourceId);
    }

    private void finishSlot(String resourceId, Running op) {
        if (running.get(resourceId) == op) {
            running.remove(resourceId);
            launchNext(resourceId);
        }
    }

    private void launchNext(String resourceId) {
        if (running.containsKey(resourceId)) {
            return;
        }
        Deque<Request> queue = waiting.get(resourceId);
        if (queue != null && !queue.isEmpty()) {
            launch(resourceId, queue.poll());
        }
    }
}
