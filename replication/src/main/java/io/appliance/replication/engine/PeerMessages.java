package io.appliance.replication.engine;

import io.appliance.replication.PeerMessageHandler;
import io.appliance.replication.ReplicationException;
import io.appliance.replication.ReplicationException.Reason;
import io.appliance.replication.wire.PeerMessage;
import io.appliance.replication.wire.PeerMessageReply;
import io.appliance.replication.wire.WireFormat;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application messages of one resource ({@code sendToPeer} / {@code onPeerMessage}), both halves.
 *
 * <p>Sending: the message gets its id on the caller's thread, then on the state executor it is checked
 * against the connection, recorded as pending and handed to the session's outbox behind every request
 * submitted before it ({@link IoPath#afterEarlierRequests}). The pending future completes with the peer's
 * {@link PeerMessageReply}, fails when the link is lost ({@link #linkLost}) and times out after
 * {@value #TIMEOUT_FACTOR} x the resource's {@code timeout} (timer on the environment's scheduler).
 *
 * <p>Receiving: a message waits (without blocking anything) until the replicated writes received before it
 * are on the backing device, then runs its channel's handler on this resource's message thread, one at a
 * time in arrival order; the handler's thread sends the reply through the session's outbox.
 */
final class PeerMessages {
    private static final Logger log = LoggerFactory.getLogger(PeerMessages.class);
    /** A handler may fsync a file: allow far more than a replicated write (DRBD's ko-count default is 7). */
    static final int TIMEOUT_FACTOR = 10;
    private static final Duration IDLE_THREAD_KEEP_ALIVE = Duration.ofSeconds(30);

    private final ResourceEngine engine;
    private final Map<String, PeerMessageHandler> handlers = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final ThreadPoolExecutor handlerThread;
    private final Executor handlerExecutor;
    // confined to the state executor
    private final Map<Long, Pending> pending = new HashMap<>();
    private CompletableFuture<?> lastDelivery = CompletableFuture.completedFuture(null);

    private record Pending(String channel, CompletableFuture<Void> result) {}

    PeerMessages(ResourceEngine engine, String threadName) {
        this.engine = engine;
        // one thread at most, started on the first message and ended when idle: handlers run one at a time, in order
        this.handlerThread = new ThreadPoolExecutor(1, 1, IDLE_THREAD_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, threadName);
                    thread.setDaemon(true);
                    return thread;
                });
        this.handlerThread.allowCoreThreadTimeOut(true);
        this.handlerExecutor = task -> {
            try {
                handlerThread.execute(task);
            } catch (RejectedExecutionException closed) {
                log.debug("{}: peer message after close dropped", engine.name());
            }
        };
    }

    Duration timeout() {
        return engine.options.timeout().multipliedBy(TIMEOUT_FACTOR);
    }

    void register(String channel, PeerMessageHandler handler) {
        PeerMessage.checkChannel(channel);
        handlers.put(channel, Objects.requireNonNull(handler, "handler"));
    }

    // ---------------------------------------------------------------- sending (any thread, then state executor)

    CompletableFuture<Void> send(String channel, byte[] payload) {
        PeerMessage message = new PeerMessage(nextId.getAndIncrement(), channel, payload);
        CompletableFuture<Void> result = new CompletableFuture<>();
        Duration timeout = timeout();
        ScheduledFuture<?> timer;
        try {
            timer = engine.env.scheduler().schedule(() -> timedOut(message, result, timeout), timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            result.completeExceptionally(notConnected());
            return result;
        }
        result.whenComplete((ignored, error) -> timer.cancel(false));
        if (!engine.trySubmit(() -> start(message, result))) {
            result.completeExceptionally(notConnected());
        }
        return result;
    }

    private void start(PeerMessage message, CompletableFuture<Void> result) {
        if (result.isDone()) {
            return;
        }
        PeerSession session = engine.establishedSession();
        if (session == null) {
            result.completeExceptionally(notConnected());
            return;
        }
        if (session.protocolVersion < WireFormat.PEER_MESSAGES_VERSION) {
            result.completeExceptionally(new ReplicationException(Reason.INVALID, engine.name() + ": peer "
                    + session.peerName() + " speaks replication protocol " + session.protocolVersion
                    + ", which has no application messages (needs " + WireFormat.PEER_MESSAGES_VERSION + ")"));
            return;
        }
        pending.put(message.id(), new Pending(message.channel(), result));
        engine.io.afterEarlierRequests(() -> {
            // the link may have gone (linkLost failed the message) or the message timed out meanwhile
            if (pending.containsKey(message.id()) && engine.session == session) {
                session.send(message);
            }
        });
    }

    /** Scheduler thread: fails the caller at once; the state executor forgets the message. */
    private void timedOut(PeerMessage message, CompletableFuture<Void> result, Duration timeout) {
        if (result.completeExceptionally(new ReplicationException(Reason.TIMEOUT, engine.name() + ": peer "
                + engine.peer.name() + " did not answer the message on channel " + message.channel() + " within "
                + timeout.toMillis() + " ms"))) {
            engine.executor().execute(() -> pending.remove(message.id()));
        }
    }

    /** State executor: the peer's answer. A late answer (after a timeout) is ignored. */
    void onReply(PeerMessageReply reply) {
        Pending answered = pending.remove(reply.id());
        if (answered == null) {
            log.debug("{}: answer to message {} that is no longer pending", engine.name(), reply.id());
            return;
        }
        if (reply.ok()) {
            answered.result().complete(null);
        } else {
            answered.result().completeExceptionally(new ReplicationException(Reason.IO_ERROR, engine.name() + ": peer "
                    + engine.peer.name() + " failed the message on channel " + answered.channel() + ": "
                    + reply.reason()));
        }
    }

    /** State executor: the connection is gone; no answer will come for the pending messages. */
    void linkLost() {
        failAll(channel -> new ReplicationException(Reason.NOT_CONNECTED, engine.name() + ": connection to "
                + engine.peer.name() + " lost before it answered the message on channel " + channel));
    }

    /** State executor: the resource is closed; pending messages fail, the message thread ends. */
    void close() {
        failAll(channel -> new ReplicationException(Reason.NOT_CONNECTED, engine.name()
                + ": resource closed before the peer answered the message on channel " + channel));
        handlerThread.shutdown();
    }

    private void failAll(Function<String, ReplicationException> failure) {
        List<Pending> failed = List.copyOf(pending.values());
        pending.clear();
        failed.forEach(message -> message.result().completeExceptionally(failure.apply(message.channel())));
    }

    private ReplicationException notConnected() {
        return new ReplicationException(Reason.NOT_CONNECTED, engine.name() + ": not connected");
    }

    // ---------------------------------------------------------------- receiving

    /**
     * State executor: runs the channel's handler once every write received before the message is on the
     * backing device and the previous message's handler returned.
     */
    void onMessage(PeerSession session, PeerMessage message) {
        CompletableFuture<Void> earlierWrites = engine.io.receivedWritesDone();
        lastDelivery = CompletableFuture.allOf(lastDelivery, earlierWrites)
                .handleAsync((ignored, unused) -> {
                    deliver(session, message);
                    return null;
                }, handlerExecutor);
    }

    /** Message thread: the handler, then the answer through the session's outbox (dropped if the link is gone). */
    private void deliver(PeerSession session, PeerMessage message) {
        PeerMessageHandler handler = handlers.get(message.channel());
        if (handler == null) {
            session.send(PeerMessageReply.failed(message.id(), "no handler for channel " + message.channel()));
            return;
        }
        try {
            handler.accept(message.payload());
            session.send(PeerMessageReply.accepted(message.id()));
        } catch (Exception e) {
            log.warn("{}: handler of channel {} failed: {}", engine.name(), message.channel(), e.toString());
            session.send(PeerMessageReply.failed(message.id(), reasonOf(e)));
        } catch (Error e) {
            log.error("{}: handler of channel {} failed", engine.name(), message.channel(), e);
            session.send(PeerMessageReply.failed(message.id(), reasonOf(e)));
            throw e;
        }
    }

    private static String reasonOf(Throwable error) {
        return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
    }
}
