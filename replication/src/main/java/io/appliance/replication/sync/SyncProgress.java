package io.appliance.replication.sync;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a resync or verify run, as {@code drbdadm status} shows it ({@code done:45.20}).
 *
 * @param totalBytes     bytes to handle when the run started (grows if more became out of sync)
 * @param remainingBytes bytes still to handle
 * @param percentDone    0.00..100.00, rounded down to two decimals (so 100.00 means finished)
 * @param bytesPerSecond rate averaged over the last few seconds
 * @param eta            remaining / rate; empty while the rate is unknown (0)
 */
public record SyncProgress(long totalBytes, long remainingBytes, double percentDone, long bytesPerSecond,
                           Optional<Duration> eta) {

    public SyncProgress {
        if (totalBytes < 0 || remainingBytes < 0 || remainingBytes > totalBytes) {
            throw new IllegalArgumentException("bad progress: total " + totalBytes + ", remaining " + remainingBytes);
        }
        Objects.requireNonNull(eta, "eta");
    }

    /** Computes percent and ETA; {@code remainingBytes} above {@code totalBytes} raises the total. */
    public static SyncProgress of(long totalBytes, long remainingBytes, long bytesPerSecond) {
        long remaining = Math.max(0, remainingBytes);
        long total = Math.max(totalBytes, remaining);
        return new SyncProgress(total, remaining, percentDone(total, remaining), Math.max(0, bytesPerSecond),
                eta(remaining, bytesPerSecond));
    }

    /** The same progress while the resync is paused: it moves at no rate and has no ETA. */
    public SyncProgress stopped() {
        return new SyncProgress(totalBytes, remainingBytes, percentDone, 0, eta(remainingBytes, 0));
    }

    /** Percent done rounded down to two decimals: DRBD never shows 100.00 before the end. */
    static double percentDone(long total, long remaining) {
        if (total == 0) {
            return 100.0;
        }
        long doneBytes = total - remaining;
        long hundredths = (long) Math.floor((double) doneBytes * 10_000 / total);
        if (remaining > 0 && hundredths >= 10_000) {
            hundredths = 9_999;
        }
        return hundredths / 100.0;
    }

    static Optional<Duration> eta(long remaining, long bytesPerSecond) {
        if (remaining == 0) {
            return Optional.of(Duration.ZERO);
        }
        if (bytesPerSecond <= 0) {
            return Optional.empty();
        }
        long seconds = remaining / bytesPerSecond;
        long nanos = (remaining % bytesPerSecond) * 1_000_000_000L / bytesPerSecond;
        return Optional.of(Duration.ofSeconds(seconds, nanos));
    }

    /** "done:45.20" as DRBD prints it. */
    public String doneText() {
        return String.format(java.util.Locale.ROOT, "done:%.2f", percentDone);
    }
}
