package io.appliance.replication.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Token bucket that paces resync and verify traffic (DRBD's {@code resync-rate} with its
 * {@code c-min-rate} floor).
 *
 * <p>Tokens (bytes) accrue at the effective rate up to a bucket of {@link #BURST} worth of the
 * rate, but never less than {@link #MIN_BUCKET_BYTES} so that one maximal request always fits.
 * The effective rate is the configured rate, lowered to the floor while application I/O was seen
 * within {@link #APPLICATION_IO_WINDOW} (DRBD: resync yields to application I/O, but never below
 * {@code c-min-rate}); it is never below the floor.
 *
 * <p>Thread-safe. Time comes from the injected clock only.
 */
public final class ResyncRateController {

    /** How much of one second's rate the bucket may hold. */
    public static final Duration BURST = Duration.ofMillis(250);
    /** The bucket always holds at least one maximal resync request. */
    public static final long MIN_BUCKET_BYTES = 128 * 1024;
    /** Application I/O seen within this window throttles resync down to the floor. */
    public static final Duration APPLICATION_IO_WINDOW = Duration.ofMillis(500);

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Clock clock;
    private final long minRateBytesPerSecond;
    private long rateBytesPerSecond;
    private double tokens;
    private Instant lastRefill;
    private Instant lastApplicationIo;

    /**
     * @param rateBytesPerSecond    the configured resync rate; raised to the floor if lower
     * @param minRateBytesPerSecond the floor ({@code c-min-rate}), at least 1 byte per second
     */
    public ResyncRateController(Clock clock, long rateBytesPerSecond, long minRateBytesPerSecond) {
        if (minRateBytesPerSecond <= 0) {
            throw new IllegalArgumentException("minimum resync rate must be positive, got " + minRateBytesPerSecond);
        }
        this.clock = clock;
        this.minRateBytesPerSecond = minRateBytesPerSecond;
        this.rateBytesPerSecond = Math.max(rateBytesPerSecond, minRateBytesPerSecond);
        this.lastRefill = clock.instant();
        this.tokens = bucketBytes(this.rateBytesPerSecond);
    }

    /** Bytes that may be sent now (0 when the bucket is empty or in debt). */
    public synchronized long allowance() {
        refill();
        return tokens <= 0 ? 0 : (long) tokens;
    }

    /** Records bytes sent; the bucket may go into debt, which later refills pay back. */
    public synchronized void consumed(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count " + bytes);
        }
        refill();
        tokens -= bytes;
    }

    /** Changes the configured rate (raised to the floor if lower). */
    public synchronized void setRate(long bytesPerSecond) {
        refill();
        rateBytesPerSecond = Math.max(bytesPerSecond, minRateBytesPerSecond);
        tokens = Math.min(tokens, bucketBytes(effectiveRate()));
    }

    /** Application I/O happened now: the rate drops to the floor for {@link #APPLICATION_IO_WINDOW}. */
    public synchronized void noteApplicationIo() {
        refill();
        lastApplicationIo = clock.instant();
        tokens = Math.min(tokens, bucketBytes(minRateBytesPerSecond));
    }

    /** The rate tokens accrue at now, never below the floor. */
    public synchronized long effectiveRate() {
        if (lastApplicationIo != null
                && Duration.between(lastApplicationIo, clock.instant()).compareTo(APPLICATION_IO_WINDOW) < 0) {
            return minRateBytesPerSecond;
        }
        return rateBytesPerSecond;
    }

    public synchronized long rateBytesPerSecond() {
        return rateBytesPerSecond;
    }

    public long minRateBytesPerSecond() {
        return minRateBytesPerSecond;
    }

    private void refill() {
        Instant now = clock.instant();
        long elapsedNanos = Duration.between(lastRefill, now).toNanos();
        if (elapsedNanos <= 0) {
            return;
        }
        long rate = effectiveRate();
        tokens = Math.min(bucketBytes(rate), tokens + (double) rate * elapsedNanos / NANOS_PER_SECOND);
        lastRefill = now;
    }

    private static double bucketBytes(long rate) {
        return Math.max(MIN_BUCKET_BYTES, (double) rate * BURST.toNanos() / NANOS_PER_SECOND);
    }
}
