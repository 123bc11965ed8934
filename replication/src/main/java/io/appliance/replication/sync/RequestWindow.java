package io.appliance.replication.sync;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The paced request window that {@link ResyncTarget} and {@link VerifySource} drive their peer
 * requests through: requests and bytes in flight against {@link SyncLimits}, the
 * {@link ResyncRateController} allowance, the paused and ended flags, and the drain loop that runs
 * the owner's step.
 *
 * <p>Threads: the state is guarded by the owner's monitor ({@code lock}); the methods marked
 * "guarded by the lock" must be called holding it, the others take it themselves. {@link #drain()}
 * runs the step once per call, never concurrently and never recursively, from any thread.
 */
final class RequestWindow {

    private final Object lock;
    private final SyncLimits limits;
    private final ResyncRateController rate;
    private final Runnable step;
    private final AtomicInteger drainRequests = new AtomicInteger();
    private int requests;
    private long bytes;
    private boolean paused;
    private boolean ended;

    /**
     * @param lock the owner's monitor, which guards this window together with the owner's own state
     * @param step what {@link #drain()} runs: the owner's issue-what-the-window-allows step
     */
    RequestWindow(Object lock, SyncLimits limits, ResyncRateController rate, Runnable step) {
        this.lock = lock;
        this.limits = limits;
        this.rate = rate;
        this.step = step;
    }

    /** Runs the step once per call, never concurrently, never recursively. */
    void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            step.run();
            missed = drainRequests.addAndGet(-missed);
        } while (missed != 0);
    }

    /** No new requests until {@link #resume()}; replies in flight are still handled. */
    void pause() {
        synchronized (lock) {
            paused = true;
        }
    }

    void resume() {
        synchronized (lock) {
            paused = false;
        }
        drain();
    }

    boolean isPaused() {
        synchronized (lock) {
            return paused;
        }
    }

    int requestsInFlight() {
        synchronized (lock) {
            return requests;
        }
    }

    /** Guarded by the lock. */
    boolean hasEnded() {
        return ended;
    }

    /** Ends the run and empties the window; false when it had already ended. Guarded by the lock. */
    boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        requests = 0;
        bytes = 0;
        return true;
    }

    /** Whether no request is in flight. Guarded by the lock. */
    boolean isEmpty() {
        return requests == 0;
    }

    /** Whether one more request fits under {@link SyncLimits#maxRequestsInFlight()}. Guarded by the lock. */
    boolean hasRequestSlot() {
        return requests < limits.maxRequestsInFlight();
    }

    /** Bytes that may still go in flight under {@link SyncLimits#maxBytesInFlight()}. Guarded by the lock. */
    long byteRoom() {
        return limits.maxBytesInFlight() - bytes;
    }

    /** What the rate controller lets go now ({@link ResyncRateController#allowance()}). */
    long allowance() {
        return rate.allowance();
    }

    /** A request of {@code length} bytes goes in flight and is charged to the rate. Guarded by the lock. */
    void admit(int length) {
        requests++;
        bytes += length;
        rate.consumed(length);
    }

    /** A request of {@code length} bytes left the window. Guarded by the lock. */
    void release(int length) {
        requests--;
        bytes -= length;
    }
}
