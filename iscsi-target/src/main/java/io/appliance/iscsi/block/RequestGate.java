package io.appliance.iscsi.block;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission of requests to a block device that may be closed while requests are in flight (the
 * {@link BlockDevice#close()} contract: outstanding requests complete first). A request
 * {@link #enter()}s before it touches the backing store and {@link #exit()}s when it is done; after
 * {@link #close()} no request enters, and {@code onDrained} runs exactly once, on the thread of the
 * last exit (or of close, when nothing was in flight). Lock free; thread safe.
 */
public final class RequestGate {

    private final AtomicBoolean closeRequested = new AtomicBoolean();
    /** One reference held by the open device, plus one per request being served. */
    private final AtomicInteger references = new AtomicInteger(1);
    private final Runnable onDrained;

    /** @param onDrained releases the backing store (closes channels); must not throw */
    public RequestGate(Runnable onDrained) {
        this.onDrained = onDrained;
    }

    /** @return false when the device is closed: the request must fail without touching anything */
    public boolean enter() {
        while (true) {
            int n = references.get();
            if (n == 0 || closeRequested.get()) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Ends a request that {@link #enter()}ed; exactly once per successful enter. */
    public void exit() {
        if (references.decrementAndGet() == 0) {
            onDrained.run();
        }
    }

    /** Refuses new requests; the backing store is released once the last request exits. Idempotent. */
    public void close() {
        if (closeRequested.compareAndSet(false, true)) {
            exit();
        }
    }

    /** True once {@link #close()} was called (requests may still be in flight). */
    public boolean closeRequested() {
        return closeRequested.get();
    }

    /** True once closed and every request has exited. */
    public boolean drained() {
        return references.get() == 0;
    }

    /**
     * The BlockDevice contract's range rule: offset and length non-negative multiples of the
     * block size, the range inside {@code size}.
     *
     * @return what is wrong, or null when the range is valid
     */
    public static String rangeProblem(long offset, long length, long size, int blockSize, String deviceName) {
        if (offset < 0 || length < 0 || offset % blockSize != 0 || length % blockSize != 0) {
            return "offset " + offset + " and length " + length + " must be non-negative multiples of " + blockSize;
        }
        if (offset > size || length > size - offset) {
            return "range " + offset + "+" + length + " exceeds the size " + size + " of " + deviceName;
        }
        return null;
    }
}
