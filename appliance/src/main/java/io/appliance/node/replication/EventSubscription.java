package io.appliance.node.replication;

import io.appliance.replication.ReplicationEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One reader of the events stream with a bounded queue between the replication's threads and
 * the reader's. The engine never waits for a reader: when the queue is full the subscriber is
 * dropped ({@link Next.Overflowed}; the events still queued are not delivered), so a slow HTTP
 * client cannot slow the replication down.
 * Thread safe: the engine offers from any thread, one reader takes.
 */
public final class EventSubscription implements AutoCloseable {

    /** What {@link #next} found. */
    public sealed interface Next {
        /** An events2 line. */
        record Line(String text) implements Next {
        }

        /** Nothing within the wait. */
        record Idle() implements Next {
        }

        /** The queue overflowed: the subscriber is dropped; {@code queued} events were waiting. */
        record Overflowed(int queued) implements Next {
        }

        /** The node is stopping or the subscription was closed. */
        record Ended() implements Next {
        }
    }

    private final BlockingQueue<Object> queue;
    private final int capacity;
    private final Function<Consumer<ReplicationEvent>, AutoCloseable> subscriber;
    private final Consumer<EventSubscription> onClose;
    private volatile boolean overflowed;
    private volatile boolean closed;
    private volatile AutoCloseable handle;

    /**
     * @param capacity   events that may wait for the reader before it is dropped
     * @param subscriber subscribes a listener and returns its handle ({@code ReplicationNode::subscribe})
     * @param onClose    told once when the subscription ends
     */
    EventSubscription(int capacity, Function<Consumer<ReplicationEvent>, AutoCloseable> subscriber,
            Consumer<EventSubscription> onClose) {
        this.onClose = onClose;
        this.capacity = capacity;
        // one extra slot so that the end marker always fits
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.subscriber = subscriber;
    }

    EventSubscription start() {
        handle = subscriber.apply(this::offer);
        return this;
    }

    private void offer(ReplicationEvent event) {
        if (overflowed || closed) {
            return;
        }
        if (queue.size() >= capacity || !queue.offer(event)) {
            // not unsubscribed here: this runs inside the engine's publishing; the reader closes
            overflowed = true;
        }
    }

    /** Waits at most {@code wait} for the next event. */
    public Next next(Duration wait) throws InterruptedException {
        if (overflowed) {
            return new Next.Overflowed(queue.size() + 1);
        }
        Object item = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (item instanceof ReplicationEvent event) {
            return new Next.Line(event.render());
        }
        if (closed || item != null) {
            return new Next.Ended();
        }
        return overflowed ? new Next.Overflowed(queue.size() + 1) : new Next.Idle();
    }

    /** Ends the subscription; a reader waiting in {@link #next} wakes up with {@link Next.Ended}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            unsubscribe();
        } finally {
            queue.offer(Boolean.FALSE);
            onClose.accept(this);
        }
    }

    private void unsubscribe() {
        AutoCloseable current = handle;
        handle = null;
        if (current != null) {
            try {
                current.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot unsubscribe from the replication events", e);
            }
        }
    }
}
