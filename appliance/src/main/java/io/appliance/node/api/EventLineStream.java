package io.appliance.node.api;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One reader of an events stream (replication's events2 lines, the cluster's events) with a bounded
 * queue between the publisher's threads and the reader's. The publisher never waits for a reader:
 * when the queue is full the reader is dropped ({@link Next.Overflowed}; the events still queued are
 * not delivered), so a slow HTTP client cannot slow the node down.
 * Thread safe: the publisher offers from any thread, one reader takes.
 *
 * @param <E> the event type
 */
public final class EventLineStream<E> implements AutoCloseable {

    /** What {@link #next} found. */
    public sealed interface Next {
        /** An event, rendered as one line. */
        record Line(String text) implements Next {
        }

        /** Nothing within the wait. */
        record Idle() implements Next {
        }

        /** The queue overflowed: the reader is dropped; {@code queued} events were waiting. */
        record Overflowed(int queued) implements Next {
        }

        /** The node is stopping or the stream was closed. */
        record Ended() implements Next {
        }
    }

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final int capacity;
    private final Function<E, String> render;
    private final Consumer<EventLineStream<E>> onClose;
    private volatile boolean overflowed;
    private volatile boolean closed;
    private volatile AutoCloseable handle;

    /**
     * @param capacity events that may wait for the reader before it is dropped
     * @param render   one line per event
     * @param onClose  told once when the stream ends
     */
    public EventLineStream(int capacity, Function<E, String> render, Consumer<EventLineStream<E>> onClose) {
        this.capacity = capacity;
        this.render = render;
        this.onClose = onClose;
        // one extra slot so that the end marker always fits
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
    }

    /**
     * Starts receiving: {@code subscriber} registers a listener and returns its handle (such as
     * {@code ReplicationNode::subscribe}); the handle is closed with the stream.
     */
    public EventLineStream<E> subscribe(Function<Consumer<E>, AutoCloseable> subscriber) {
        handle = subscriber.apply(this::offer);
        return this;
    }

    private void offer(E event) {
        if (overflowed || closed) {
            return;
        }
        if (queue.size() >= capacity || !queue.offer(event)) {
            // not unsubscribed here: this runs inside the publisher's delivery; the reader closes
            overflowed = true;
        }
    }

    /** Waits at most {@code wait} for the next event. */
    @SuppressWarnings("unchecked")
    public Next next(Duration wait) throws InterruptedException {
        if (overflowed) {
            return new Next.Overflowed(queue.size() + 1);
        }
        Object item = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (item != null && item != END) {
            return new Next.Line(render.apply((E) item));
        }
        if (closed || item != null) {
            return new Next.Ended();
        }
        return overflowed ? new Next.Overflowed(queue.size() + 1) : new Next.Idle();
    }

    /**
     * Writes one line per event to {@code output} (flushed each time) until the stream ends or the reader
     * falls behind; then a last {@code # dropped: ...} line tells where the current state can be read.
     *
     * @param poll              how long one wait for an event lasts (the HTTP server notices a gone client on write)
     * @param currentStateQuery such as {@code GET /api/v1/cluster/events?now=true}
     */
    public void copyTo(OutputStream output, Duration poll, String currentStateQuery) throws IOException {
        while (true) {
            Next next;
            try {
                next = next(poll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("events stream interrupted");
            }
            if (next instanceof Next.Line line) {
                writeLine(output, line.text());
            } else if (next instanceof Next.Overflowed overflowed) {
                writeLine(output, "# dropped: this reader fell " + overflowed.queued() + " events behind; reconnect ("
                        + currentStateQuery + " shows the current state)");
                return;
            } else if (next instanceof Next.Ended) {
                return;
            }
        }
    }

    /** Writes {@code line} and a newline in UTF-8 and flushes. */
    public static void writeLine(OutputStream output, String line) throws IOException {
        output.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        output.flush();
    }

    /** Ends the stream; a reader waiting in {@link #next} wakes up with {@link Next.Ended}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        AutoCloseable current = handle;
        handle = null;
        try {
            if (current != null) {
                current.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot unsubscribe from the events", e);
        } finally {
            queue.offer(END);
            onClose.accept(this);
        }
    }
}
