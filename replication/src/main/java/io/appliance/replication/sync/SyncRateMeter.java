package io.appliance.replication.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Measures how fast a resync or verify run progresses, averaged over a sliding window (DRBD's
 * status averages over the last few seconds), and turns it into a {@link SyncProgress}.
 *
 * <p>Callers report the cumulative bytes done; the meter keeps one sample per
 * {@code window / SAMPLES_PER_WINDOW} at most. Thread-safe.
 */
public final class SyncRateMeter {

    /** DRBD's status averages the sync rate over the last few seconds. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(3);
    private static final int SAMPLES_PER_WINDOW = 10;

    private record Sample(Instant time, long doneBytes) {}

    private final Clock clock;
    private final Duration window;
    private final Duration sampleSpacing;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    public SyncRateMeter(Clock clock, Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        this.clock = clock;
        this.window = window;
        this.sampleSpacing = window.dividedBy(SAMPLES_PER_WINDOW);
        samples.add(new Sample(clock.instant(), 0));
    }

    public SyncRateMeter(Clock clock) {
        this(clock, DEFAULT_WINDOW);
    }

    /** Records the cumulative bytes done so far (never decreasing) and returns the averaged rate. */
    public synchronized long record(long doneBytes) {
        Instant now = clock.instant();
        Sample last = samples.peekLast();
        long done = Math.max(doneBytes, last.doneBytes());
        if (Duration.between(last.time(), now).compareTo(sampleSpacing) >= 0) {
            samples.addLast(new Sample(now, done));
        }
        Instant horizon = now.minus(window);
        while (samples.size() > 1 && !secondOldest().time().isAfter(horizon)) {
            samples.removeFirst();
        }
        return rate(samples.peekFirst(), now, done);
    }

    /** Progress for {@code totalBytes} of which {@code remainingBytes} are left; records the done bytes. */
    public SyncProgress progress(long totalBytes, long remainingBytes) {
        long total = Math.max(totalBytes, remainingBytes);
        return SyncProgress.of(total, remainingBytes, record(total - remainingBytes));
    }

    private Sample secondOldest() {
        Iterator<Sample> iterator = samples.iterator();
        iterator.next();
        return iterator.next();
    }

    private static long rate(Sample oldest, Instant now, long done) {
        long nanos = Duration.between(oldest.time(), now).toNanos();
        if (nanos <= 0) {
            return 0;
        }
        return (long) ((double) (done - oldest.doneBytes()) * 1_000_000_000L / nanos);
    }
}
