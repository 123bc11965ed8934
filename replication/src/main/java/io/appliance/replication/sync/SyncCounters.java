package io.appliance.replication.sync;

import java.util.concurrent.atomic.LongAdder;

/**
 * Byte and event counters of resync and verify on one node; cumulative for the life of the
 * object (the engine keeps one per resource). Thread-safe, lock-free.
 */
public final class SyncCounters {

    /** An immutable copy of every counter. */
    public record Snapshot(long requestedBytes, long receivedBytes, long writtenBytes, long skippedBytes,
                           long sentBytes, long verifiedBytes, long verifyOutOfSyncBlocks, long negativeReplies,
                           long staleReplies) {}

    private final LongAdder requestedBytes = new LongAdder();
    private final LongAdder receivedBytes = new LongAdder();
    private final LongAdder writtenBytes = new LongAdder();
    private final LongAdder skippedBytes = new LongAdder();
    private final LongAdder sentBytes = new LongAdder();
    private final LongAdder verifiedBytes = new LongAdder();
    private final LongAdder verifyOutOfSyncBlocks = new LongAdder();
    private final LongAdder negativeReplies = new LongAdder();
    private final LongAdder staleReplies = new LongAdder();

    /** SyncTarget: bytes asked for (ResyncRequest or CsumResyncRequest). */
    public void addRequested(long bytes) {
        requestedBytes.add(bytes);
    }

    /** SyncTarget: payload bytes of ResyncData received. */
    public void addReceived(long bytes) {
        receivedBytes.add(bytes);
    }

    /** SyncTarget: bytes written locally and cleared in the bitmap. */
    public void addWritten(long bytes) {
        writtenBytes.add(bytes);
    }

    /** Bytes not transferred because the checksums matched (both sides count them). */
    public void addSkipped(long bytes) {
        skippedBytes.add(bytes);
    }

    /** SyncSource: payload bytes of ResyncData sent. */
    public void addSent(long bytes) {
        sentBytes.add(bytes);
    }

    /** Bytes compared by online verify. */
    public void addVerified(long bytes) {
        verifiedBytes.add(bytes);
    }

    /** 4 KiB blocks online verify found out of sync. */
    public void addVerifyOutOfSyncBlocks(long blocks) {
        verifyOutOfSyncBlocks.add(blocks);
    }

    /** ResyncNegReply received (SyncTarget) or sent (SyncSource). */
    public void addNegativeReply() {
        negativeReplies.increment();
    }

    /** Replies discarded because an application write touched their range while in flight. */
    public void addStaleReply() {
        staleReplies.increment();
    }

    public long requestedBytes() {
        return requestedBytes.sum();
    }

    public long receivedBytes() {
        return receivedBytes.sum();
    }

    public long writtenBytes() {
        return writtenBytes.sum();
    }

    public long skippedBytes() {
        return skippedBytes.sum();
    }

    public long sentBytes() {
        return sentBytes.sum();
    }

    public long verifiedBytes() {
        return verifiedBytes.sum();
    }

    public long verifyOutOfSyncBlocks() {
        return verifyOutOfSyncBlocks.sum();
    }

    public long negativeReplies() {
        return negativeReplies.sum();
    }

    public long staleReplies() {
        return staleReplies.sum();
    }

    public Snapshot snapshot() {
        return new Snapshot(requestedBytes(), receivedBytes(), writtenBytes(), skippedBytes(), sentBytes(),
                verifiedBytes(), verifyOutOfSyncBlocks(), negativeReplies(), staleReplies());
    }
}
