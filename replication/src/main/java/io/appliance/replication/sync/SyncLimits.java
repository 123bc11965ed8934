package io.appliance.replication.sync;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of resync and verify traffic.
 *
 * @param maxRequestsInFlight    requests sent and not yet answered and written (DRBD bounds this
 *                               by max-buffers); at least 1
 * @param maxBytesInFlight       bytes of those requests; at least one maximal request
 * @param maxRequestBytes        the longest run of out-of-sync blocks asked for in one request;
 *                               a multiple of {@link #BLOCK_BYTES}
 * @param verifyChunkBytes       the bytes one verify digest covers; a multiple of {@link #BLOCK_BYTES}
 * @param maxConsecutiveFailures a SyncTarget stops after this many ResyncNegReply in a row
 * @param bitmapFlushInterval    cleared bits reach the on-disk bitmap at least this often
 */
public record SyncLimits(int maxRequestsInFlight, long maxBytesInFlight, int maxRequestBytes, int verifyChunkBytes,
                         int maxConsecutiveFailures, Duration bitmapFlushInterval) {

    /** The bitmap's granularity: one bit per 4 KiB block. */
    public static final int BLOCK_BYTES = 4096;

    public SyncLimits {
        Objects.requireNonNull(bitmapFlushInterval, "bitmapFlushInterval");
        if (maxRequestsInFlight < 1) {
            throw new IllegalArgumentException("maxRequestsInFlight must be at least 1, got " + maxRequestsInFlight);
        }
        blockMultiple(maxRequestBytes, "maxRequestBytes");
        blockMultiple(verifyChunkBytes, "verifyChunkBytes");
        if (maxBytesInFlight < Math.max(maxRequestBytes, verifyChunkBytes)) {
            throw new IllegalArgumentException("maxBytesInFlight " + maxBytesInFlight
                    + " must hold one request of " + Math.max(maxRequestBytes, verifyChunkBytes) + " bytes");
        }
        if (maxConsecutiveFailures < 1) {
            throw new IllegalArgumentException("maxConsecutiveFailures must be at least 1, got "
                    + maxConsecutiveFailures);
        }
        if (bitmapFlushInterval.isNegative() || bitmapFlushInterval.isZero()) {
            throw new IllegalArgumentException("bitmapFlushInterval must be positive, got " + bitmapFlushInterval);
        }
    }

    /** 8 requests or 1 MiB in flight, runs up to 128 KiB, 256 KiB verify chunks, 10 failures, 1 s. */
    public static SyncLimits defaults() {
        return new SyncLimits(8, 1024 * 1024, 128 * 1024, 256 * 1024, 10, Duration.ofSeconds(1));
    }

    /** Most requests in flight of {@link #forLink}: also what a sync source answers at the same time. */
    public static final int LINK_REQUESTS_IN_FLIGHT = 256;
    /** Bytes in flight of {@link #forLink}: enough to keep a 2 GB/s link with a few ms of latency busy. */
    public static final long LINK_BYTES_IN_FLIGHT = 16L << 20;
    /** Longest run of {@link #forLink} (DRBD merges resync requests up to its largest bio, 1 MiB). */
    public static final int LINK_MAX_REQUEST_BYTES = 512 * 1024;

    /**
     * The limits the engine runs a resync with: the window is sized by bytes in flight
     * ({@value #LINK_BYTES_IN_FLIGHT} bytes, up to {@value #LINK_REQUESTS_IN_FLIGHT} requests) so that a
     * fast link is used, and no request is longer than the peer's decoder accepts
     * ({@code max-data-packet}: a ResyncRequest's length and its ResyncData are bound by it).
     */
    public static SyncLimits forLink(long maxDataPacketBytes) {
        long packet = maxDataPacketBytes / BLOCK_BYTES * BLOCK_BYTES;
        if (packet < BLOCK_BYTES) {
            throw new IllegalArgumentException("max-data-packet " + maxDataPacketBytes + " is below one block of "
                    + BLOCK_BYTES);
        }
        int request = (int) Math.min(LINK_MAX_REQUEST_BYTES, packet);
        return new SyncLimits(LINK_REQUESTS_IN_FLIGHT, LINK_BYTES_IN_FLIGHT, request, 256 * 1024, 10,
                Duration.ofSeconds(1));
    }

    private static void blockMultiple(int value, String field) {
        if (value <= 0 || value % BLOCK_BYTES != 0) {
            throw new IllegalArgumentException(field + " must be a positive multiple of " + BLOCK_BYTES + ", got "
                    + value);
        }
    }
}
