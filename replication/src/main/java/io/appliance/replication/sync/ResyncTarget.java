package io.appliance.replication.sync;

import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.replication.meta.OutOfSyncBitmap;
import io.appliance.replication.wire.CsumResyncRequest;
import io.appliance.replication.wire.Packet;
import io.appliance.replication.wire.ResyncData;
import io.appliance.replication.wire.ResyncInSync;
import io.appliance.replication.wire.ResyncNegReply;
import io.appliance.replication.wire.ResyncRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SyncTarget side of a resync: fetches every block marked in the local bitmap from the sync
 * source and writes it locally (DRBD's {@code SyncTarget} replication state).
 *
 * <p>How it works:
 * <ul>
 *   <li>{@link #tick()} (called by the engine every 10-50 ms and after each reply) walks the bitmap
 *       and asks for runs of set bits of at most {@link SyncLimits#maxRequestBytes()}, while fewer
 *       than {@link SyncLimits#maxRequestsInFlight()} requests / {@link SyncLimits#maxBytesInFlight()}
 *       bytes are in flight and the {@link ResyncRateController} allows it. With {@code csums-alg}
 *       it reads its own copy of a run first and sends a {@link CsumResyncRequest} with the digest;
 *       otherwise a {@link ResyncRequest}.
 *   <li>{@link #onReply} takes ResyncData (written locally, without FUA), ResyncInSync (nothing to
 *       write) and ResyncNegReply (the bits stay; {@link SyncLimits#maxConsecutiveFailures()} in a
 *       row end the run with {@link SyncException.Reason#TOO_MANY_FAILURES}).
 *   <li>Touched rule: {@link #onApplicationWrite} marks every run it overlaps that is being read,
 *       requested or written as stale; a stale run's reply is discarded and its bits stay set, so it
 *       is asked for again later. A resync reply, possibly older than the application write, never
 *       ends up as the block's content with its bit cleared.
 *   <li>Bits are cleared only after the data flush that makes their blocks durable, then the bitmap
 *       is flushed ({@link OutOfSyncBitmap#flush()}); this runs on the context's metadata executor
 *       at least every {@link SyncLimits#bitmapFlushInterval()} and at the end. A crash therefore
 *       never leaves a clear bit over data that did not reach the disk.
 *   <li>{@link #done()} completes when the bitmap is empty, nothing is in flight and the last
 *       bitmap flush is done; the engine then sends ResyncFinished. It completes exceptionally
 *       with a {@link SyncException} when the run ends otherwise; the bits not handled stay set.
 * </ul>
 *
 * <p>Threads: every public method may be called from any thread (Netty event loop, scheduler,
 * device completion threads); none blocks. Packets and I/O are issued outside the internal lock.
 */
public final class ResyncTarget {

    private static final Logger LOG = LoggerFactory.getLogger(ResyncTarget.class);
    private static final int BLOCK = SyncLimits.BLOCK_BYTES;

    /** Where a run is: local read (checksum mode), request sent, reply being written, or written awaiting the flush. */
    private enum Phase { READING_LOCAL, REQUESTED, WRITING, WRITTEN }

    private static final class Run {
        final long id;
        final long offset;
        final int length;
        Phase phase;
        boolean stale;

        Run(long id, long offset, int length, Phase phase) {
            this.id = id;
            this.offset = offset;
            this.length = length;
            this.phase = phase;
        }

        long end() {
            return offset + length;
        }
    }

    private final OutOfSyncBitmap bitmap;
    private final DataArea data;
    private final PeerSender peer;
    private final SyncContext context;
    private final SyncLimits limits;
    private final ResyncRateController rate;
    private final RequestWindow window;
    private final Digests csums;
    private final SyncCounters counters;
    private final SyncRateMeter meter;
    private final long blockCount;
    private final Instant started;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /** Every run not yet cleared in the bitmap, by offset; runs never overlap. Guarded by this. */
    private final NavigableMap<Long, Run> runsByOffset = new TreeMap<>();
    /** Runs that still expect a reply or a local completion. Guarded by this. */
    private final Map<Long, Run> runsById = new HashMap<>();
    private long nextId = 1;
    private long scanBit;
    private long writtenAwaitingFlushBytes;
    private int consecutiveFailures;
    private long totalBytes;
    private boolean flushing;
    private Instant lastBitmapFlush;

    /**
     * @param csumsAlg {@code csums-alg}: when present, checksum-based resync (unchanged blocks are not sent)
     */
    public ResyncTarget(SyncContext context, SyncLimits limits, ResyncRateController rate,
                        Optional<DigestAlgorithm> csumsAlg) {
        this.context = context;
        this.bitmap = context.bitmap();
        this.data = context.data();
        this.peer = context.peer();
        this.counters = context.counters();
        this.limits = limits;
        this.rate = rate;
        this.window = new RequestWindow(this, limits, rate, this::step);
        this.csums = csumsAlg.map(Digests::of).orElse(null);
        this.meter = new SyncRateMeter(context.clock());
        this.blockCount = bitmap.bitCount();
        this.started = context.clock().instant();
        this.lastBitmapFlush = started;
        this.totalBytes = bitmap.outOfSyncBytes();
        LOG.info("Began resync as SyncTarget (will sync {} KB [{} bits set]){}", totalBytes / 1024,
                totalBytes / BLOCK, csums == null ? "" : ", csums-alg " + csums.algorithm().drbdName());
    }

    /** Completes when every block is in sync and the bitmap is flushed; see the class comment. */
    public CompletableFuture<Void> done() {
        return done;
    }

    /** Sends what the limits allow and starts a bitmap flush when one is due. Never blocks. */
    public void tick() {
        window.drain();
    }

    /**
     * A reply from the sync source: {@link ResyncData} (released here), {@link ResyncInSync} or
     * {@link ResyncNegReply}. Replies to unknown or aborted requests are dropped.
     *
     * @throws IllegalArgumentException for any other packet (a {@link ResyncData} is released first)
     */
    public void onReply(Packet packet) {
        if (packet instanceof ResyncData resyncData) {
            onData(resyncData);
        } else if (packet instanceof ResyncInSync inSync) {
            onInSync(inSync);
        } else if (packet instanceof ResyncNegReply negReply) {
            onNegReply(negReply);
        } else {
            throw new IllegalArgumentException("not a resync reply: " + packet);
        }
        window.drain();
    }

    /**
     * An application write to {@code [offset, offset + length)} is about to be issued locally (call
     * it before issuing the write): runs it overlaps that are in flight become stale and are asked
     * for again later. Also throttles the resync to the {@code c-min-rate} floor for a while.
     */
    public void onApplicationWrite(long offset, long length) {
        rate.noteApplicationIo();
        synchronized (this) {
            Long from = runsByOffset.floorKey(offset);
            for (Run run : runsByOffset.subMap(from == null ? offset : from, true, offset + length, false).values()) {
                if (run.end() > offset && run.phase != Phase.WRITTEN) {
                    run.stale = true;
                }
            }
        }
    }

    /** No new requests until {@link #resume()}; replies in flight are still handled (PausedSyncT). */
    public void pause() {
        window.pause();
    }

    public void resume() {
        window.resume();
    }

    /** Stops at once (link lost): later replies are dropped, every bit not yet cleared stays set. */
    public void abort() {
        fail(new SyncException(SyncException.Reason.ABORTED, "resync aborted with "
                + bitmap.outOfSyncBytes() / 1024 + " KB out of sync"));
    }

    public boolean isPaused() {
        return window.isPaused();
    }

    /** Requests sent or being read or written locally, not yet answered and written. */
    public int requestsInFlight() {
        return window.requestsInFlight();
    }

    /** Percent, rate (averaged over the last seconds) and ETA of this run. */
    public SyncProgress progress() {
        long remaining;
        long total;
        synchronized (this) {
            remaining = Math.max(0, bitmap.outOfSyncBytes() - writtenAwaitingFlushBytes);
            totalBytes = Math.max(totalBytes, remaining);
            total = totalBytes;
        }
        return meter.progress(total, remaining);
    }

    public SyncCounters counters() {
        return counters;
    }

    private void step() {
        List<Runnable> actions = new ArrayList<>();
        synchronized (this) {
            if (window.hasEnded()) {
                return;
            }
            boolean exhausted = !window.isPaused() && issueRequests(actions);
            maybeStartFlush(exhausted && window.isEmpty(), actions);
        }
        try {
            actions.forEach(Runnable::run);
        } catch (RuntimeException unexpected) {
            fail(new SyncException(SyncException.Reason.LOCAL_IO_ERROR, "resync step failed: " + unexpected,
                    unexpected));
        }
    }

    /** Registers new runs and adds their first action; returns true when no unrequested set bit is left. */
    private boolean issueRequests(List<Runnable> actions) {
        while (window.hasRequestSlot()) {
            long room = Math.min(limits.maxRequestBytes(), window.byteRoom());
            long maxLength = Math.min(room, window.allowance()) / BLOCK * BLOCK;
            if (maxLength < BLOCK) {
                return false;
            }
            Run run = nextRun((int) maxLength);
            if (run == null) {
                return true;
            }
            runsByOffset.put(run.offset, run);
            runsById.put(run.id, run);
            window.admit(run.length);
            counters.addRequested(run.length);
            actions.add(run.phase == Phase.READING_LOCAL ? () -> readLocal(run)
                    : () -> peer.send(new ResyncRequest(run.id, run.offset, run.length)));
        }
        return false;
    }

    /** The next run of set bits not already in flight, from the scan cursor round to it again. */
    private Run nextRun(int maxLength) {
        for (int pass = 0; pass < 2; pass++) {
            long bit = pass == 0 ? scanBit : 0;
            long endBit = pass == 0 ? blockCount : scanBit;
            while (bit < endBit) {
                long set = bitmap.nextSetBit(bit);
                if (set < 0 || set >= endBit) {
                    break;
                }
                long offset = set * BLOCK;
                Map.Entry<Long, Run> before = runsByOffset.floorEntry(offset);
                if (before != null && before.getValue().end() > offset) {
                    bit = before.getValue().end() / BLOCK;
                    continue;
                }
                Long nextBusy = runsByOffset.higherKey(offset);
                long limit = Math.min(offset + maxLength, blockCount * BLOCK);
                if (nextBusy != null) {
                    limit = Math.min(limit, nextBusy);
                }
                long end = offset + BLOCK;
                while (end < limit && bitmap.anySet(end, BLOCK)) {
                    end += BLOCK;
                }
                scanBit = end / BLOCK;
                return new Run(nextId++, offset, (int) (end - offset),
                        csums == null ? Phase.REQUESTED : Phase.READING_LOCAL);
            }
        }
        return null;
    }

    /** Checksum mode: read our own copy, then ask with its digest (a plain request if the read failed). */
    private void readLocal(Run run) {
        ByteBuffer local = ByteBuffer.allocate(run.length);
        CompletableFuture<Void> read;
        try {
            read = data.read(run.offset, local.duplicate());
        } catch (RuntimeException thrown) {
            read = CompletableFuture.failedFuture(thrown);
        }
        read.whenComplete((ignored, failure) -> {
            byte[] digest = failure == null ? csums.digest(local) : null;
            Packet request = null;
            synchronized (this) {
                if (runsById.get(run.id) != run) {
                    return;
                }
                if (run.stale) {
                    forget(run);
                } else {
                    run.phase = Phase.REQUESTED;
                    request = digest == null ? new ResyncRequest(run.id, run.offset, run.length)
                            : new CsumResyncRequest(run.id, run.offset, run.length, digest);
                }
            }
            if (failure != null) {
                LOG.warn("Local read of {}+{} for csums failed, requesting the data: {}", run.offset, run.length,
                        failure.toString());
            }
            if (request != null) {
                peer.send(request);
            }
            window.drain();
        });
    }

    private void onData(ResyncData reply) {
        Run run;
        boolean writing = false;
        SyncException problem = null;
        try {
            synchronized (this) {
                run = runsById.get(reply.id());
                if (run == null) {
                    return;
                }
                int length = reply.data().readableBytes();
                if (run.phase != Phase.REQUESTED || run.offset != reply.offset() || run.length != length) {
                    problem = mismatch(run, "ResyncData", reply.offset(), length);
                } else if (run.stale) {
                    forget(run);
                    counters.addStaleReply();
                } else {
                    counters.addReceived(length);
                    run.phase = Phase.WRITING;
                    writing = true;
                }
            }
            if (writing) {
                CompletableFuture<Void> write;
                try {
                    write = data.write(run.offset, reply.data().nioBuffer(), false);
                } catch (RuntimeException thrown) {
                    write = CompletableFuture.failedFuture(thrown);
                }
                write.whenComplete((ignored, failure) -> {
                    reply.release();
                    afterWrite(run, failure);
                });
            }
        } finally {
            if (!writing) {
                reply.release();
            }
        }
        if (problem != null) {
            fail(problem);
        }
    }

    private void afterWrite(Run run, Throwable failure) {
        SyncException problem = null;
        synchronized (this) {
            if (runsById.get(run.id) != run) {
                return;
            }
            if (failure != null) {
                problem = new SyncException(SyncException.Reason.LOCAL_IO_ERROR, "local write of resync data at "
                        + run.offset + "+" + run.length + " failed: " + failure, failure);
            } else if (run.stale) {
                forget(run);
                counters.addStaleReply();
            } else {
                markWritten(run);
                counters.addWritten(run.length);
            }
        }
        if (problem != null) {
            fail(problem);
        }
        window.drain();
    }

    private void onInSync(ResyncInSync reply) {
        SyncException problem = null;
        synchronized (this) {
            Run run = runsById.get(reply.id());
            if (run == null) {
                return;
            }
            if (csums == null || run.phase != Phase.REQUESTED || run.offset != reply.offset()
                    || run.length != reply.length()) {
                problem = mismatch(run, "ResyncInSync", reply.offset(), reply.length());
            } else if (run.stale) {
                forget(run);
                counters.addStaleReply();
            } else {
                markWritten(run);
                counters.addSkipped(run.length);
            }
        }
        if (problem != null) {
            fail(problem);
        }
    }

    private void onNegReply(ResyncNegReply reply) {
        SyncException problem = null;
        synchronized (this) {
            Run run = runsById.get(reply.id());
            if (run == null) {
                return;
            }
            if (run.phase != Phase.REQUESTED || run.offset != reply.offset() || run.length != reply.length()) {
                problem = mismatch(run, "ResyncNegReply", reply.offset(), reply.length());
            } else {
                forget(run);
                counters.addNegativeReply();
                consecutiveFailures++;
                LOG.warn("Resync request {}+{} refused by the peer ({} in a row): {}", run.offset, run.length,
                        consecutiveFailures, reply.reason());
                if (consecutiveFailures >= limits.maxConsecutiveFailures()) {
                    problem = new SyncException(SyncException.Reason.TOO_MANY_FAILURES, "the sync source refused "
                            + consecutiveFailures + " resync requests in a row, last: " + reply.reason());
                }
            }
        }
        if (problem != null) {
            fail(problem);
        }
    }

    private static SyncException mismatch(Run run, String what, long offset, long length) {
        return new SyncException(SyncException.Reason.PEER_PROTOCOL_ERROR, what + " for request " + run.id
                + " covers " + offset + "+" + length + " but the request was " + run.offset + "+" + run.length
                + " (" + run.phase + ")");
    }

    /** Drops a run; its bits stay set, so it is asked for again. Guarded by this. */
    private void forget(Run run) {
        runsById.remove(run.id);
        runsByOffset.remove(run.offset);
        if (run.phase != Phase.WRITTEN) {
            window.release(run.length);
        }
    }

    /** The run's blocks are in sync locally; its bits are cleared by the next flush cycle. Guarded by this. */
    private void markWritten(Run run) {
        runsById.remove(run.id);
        window.release(run.length);
        run.phase = Phase.WRITTEN;
        writtenAwaitingFlushBytes += run.length;
        consecutiveFailures = 0;
    }

    /** Starts a flush cycle when one is due: periodically while written runs wait, and at the end. */
    private void maybeStartFlush(boolean atEnd, List<Runnable> actions) {
        if (flushing) {
            return;
        }
        boolean due = writtenAwaitingFlushBytes > 0 && !Duration.between(lastBitmapFlush, context.clock().instant())
                .minus(limits.bitmapFlushInterval()).isNegative();
        if (!due && !atEnd) {
            return;
        }
        List<Run> written = new ArrayList<>();
        for (Run run : runsByOffset.values()) {
            if (run.phase == Phase.WRITTEN) {
                written.add(run);
            }
        }
        flushing = true;
        actions.add(() -> {
            try {
                context.metadataExecutor().execute(() -> flushCycle(written));
            } catch (RejectedExecutionException rejected) {
                fail(new SyncException(SyncException.Reason.LOCAL_IO_ERROR,
                        "the metadata executor refused the bitmap flush", rejected));
            }
        });
    }

    /** On the metadata executor: data flush, then clear the runs' bits, then flush the bitmap. */
    private void flushCycle(List<Run> written) {
        boolean finished;
        try {
            if (!written.isEmpty()) {
                data.flush().get();
            }
            synchronized (this) {
                for (Run run : written) {
                    if (runsByOffset.get(run.offset) == run) {
                        bitmap.clearRange(run.offset, run.length);
                        runsByOffset.remove(run.offset);
                        writtenAwaitingFlushBytes -= run.length;
                    }
                }
            }
            bitmap.flush();
            synchronized (this) {
                flushing = false;
                lastBitmapFlush = context.clock().instant();
                finished = runsByOffset.isEmpty() && bitmap.nextSetBit(0) < 0 && window.end();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            fail(new SyncException(SyncException.Reason.LOCAL_IO_ERROR, "bitmap flush interrupted", interrupted));
            return;
        } catch (ExecutionException | java.io.IOException | RuntimeException failure) {
            Throwable cause = failure instanceof ExecutionException ? failure.getCause() : failure;
            fail(new SyncException(SyncException.Reason.LOCAL_IO_ERROR, "flush during resync failed: " + cause,
                    cause));
            return;
        }
        if (finished) {
            Duration took = Duration.between(started, context.clock().instant());
            long seconds = Math.max(1, took.toSeconds());
            LOG.info("Resync done (total {} sec; {} K/sec; {} KB written, {} KB skipped by checksum)",
                    took.toSeconds(), counters.writtenBytes() / 1024 / seconds, counters.writtenBytes() / 1024,
                    counters.skippedBytes() / 1024);
            done.complete(null);
            return;
        }
        window.drain();
    }

    /** Ends the run (once); bits not yet cleared stay set. Never called while holding the lock. */
    private void fail(SyncException failure) {
        synchronized (this) {
            if (!window.end()) {
                return;
            }
            runsById.clear();
            runsByOffset.clear();
            writtenAwaitingFlushBytes = 0;
        }
        if (failure.reason() == SyncException.Reason.ABORTED) {
            LOG.info("{}", failure.getMessage());
        } else {
            LOG.error("Resync stopped: {}", failure.getMessage());
        }
        done.completeExceptionally(failure);
    }
}
