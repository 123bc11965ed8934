package io.appliance.replication.sync;

import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.replication.meta.OutOfSyncBitmap;
import io.appliance.replication.wire.Packet;
import io.appliance.replication.wire.VerifyDone;
import io.appliance.replication.wire.VerifyReply;
import io.appliance.replication.wire.VerifyRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online verify, the side that drives it (DRBD's {@code VerifyS}).
 *
 * <p>Walks the data area from a start offset in chunks of {@link SyncLimits#verifyChunkBytes()}:
 * reads each chunk, sends a {@link VerifyRequest} with its {@code verify-alg} digest, and on a
 * {@link VerifyReply} saying "not in sync" marks all the chunk's 4 KiB blocks in the local bitmap
 * (the peer marks them in its own) and counts them. In-flight and rate limits as
 * {@link ResyncTarget}. A chunk that an application write touched while it was verified is
 * verified again (up to {@link #MAX_ATTEMPTS} times, then its last answer counts: a spurious
 * mismatch only costs a resync of the chunk). At the end it sends {@link VerifyDone}, flushes the
 * bitmap if it marked anything, and completes {@link #done()}. The marked blocks are resynced at
 * the next connect, as in DRBD.
 *
 * <p>Threads: any thread may call any method; nothing blocks; the bitmap flush runs on the
 * context's metadata executor.
 */
public final class VerifySource {

    private static final Logger LOG = LoggerFactory.getLogger(VerifySource.class);
    private static final int BLOCK = SyncLimits.BLOCK_BYTES;

    /** How often a chunk touched by application writes is verified before its answer is taken as is. */
    public static final int MAX_ATTEMPTS = 3;

    private static final class Chunk {
        final long offset;
        final int length;
        final int attempt;
        long id;
        boolean requested;
        boolean stale;

        Chunk(long offset, int length, int attempt) {
            this.offset = offset;
            this.length = length;
            this.attempt = attempt;
        }
    }

    private final SyncContext context;
    private final OutOfSyncBitmap bitmap;
    private final DataArea data;
    private final SyncLimits limits;
    private final RequestWindow window;
    private final Digests digests;
    private final SyncCounters counters;
    private final SyncRateMeter meter;
    private final long startOffset;
    private final Instant started;
    private final CompletableFuture<VerifyResult> done = new CompletableFuture<>();

    private final Map<Long, Chunk> chunksById = new HashMap<>();
    private final NavigableMap<Long, Chunk> chunksByOffset = new TreeMap<>();
    private final ArrayDeque<Chunk> again = new ArrayDeque<>();
    private long cursor;
    private long nextId = 1;
    private long verifiedBytes;
    private long outOfSyncBlocks;

    /**
     * @param startOffset where to begin ({@code drbdadm verify --start}); rounded down to 4 KiB
     */
    public VerifySource(SyncContext context, SyncLimits limits, ResyncRateController rate, DigestAlgorithm verifyAlg,
                        long startOffset) {
        if (startOffset < 0 || startOffset > context.data().size()) {
            throw new IllegalArgumentException("verify start " + startOffset + " outside the data area of "
                    + context.data().size() + " bytes");
        }
        this.context = context;
        this.bitmap = context.bitmap();
        this.data = context.data();
        this.limits = limits;
        this.window = new RequestWindow(this, limits, rate, this::step);
        this.digests = Digests.of(verifyAlg);
        this.counters = context.counters();
        this.meter = new SyncRateMeter(context.clock());
        this.startOffset = startOffset / BLOCK * BLOCK;
        this.cursor = this.startOffset;
        this.started = context.clock().instant();
        LOG.info("Online Verify start sector: {}", this.startOffset / 512);
    }

    public CompletableFuture<VerifyResult> done() {
        return done;
    }

    /** Sends what the limits allow. Never blocks. */
    public void tick() {
        window.drain();
    }

    /**
     * A {@link VerifyReply}; replies to unknown requests are dropped.
     *
     * @throws IllegalArgumentException for any other packet
     */
    public void onReply(Packet packet) {
        if (!(packet instanceof VerifyReply reply)) {
            throw new IllegalArgumentException("not a verify reply: " + packet);
        }
        SyncException problem = null;
        synchronized (this) {
            Chunk chunk = chunksById.get(reply.id());
            if (chunk == null) {
                return;
            }
            if (!chunk.requested || chunk.offset != reply.offset() || chunk.length != reply.length()) {
                problem = new SyncException(SyncException.Reason.PEER_PROTOCOL_ERROR, "VerifyReply for request "
                        + reply.id() + " covers " + reply.offset() + "+" + reply.length() + " but the request was "
                        + chunk.offset + "+" + chunk.length);
            } else {
                retire(chunk);
                if (chunk.stale && chunk.attempt < MAX_ATTEMPTS) {
                    again.add(new Chunk(chunk.offset, chunk.length, chunk.attempt + 1));
                } else {
                    account(chunk, reply.inSync());
                }
            }
        }
        if (problem != null) {
            fail(problem);
        }
        window.drain();
    }

    /**
     * An application write to the range was issued or completed locally (call it for both, so
     * that the whole time the two copies may differ is covered): chunks being verified there are
     * verified again.
     */
    public void onApplicationWrite(long offset, long length) {
        synchronized (this) {
            Long from = chunksByOffset.floorKey(offset);
            for (Chunk chunk : chunksByOffset.subMap(from == null ? offset : from, true, offset + length, false)
                    .values()) {
                if (chunk.offset + chunk.length > offset) {
                    chunk.stale = true;
                }
            }
        }
    }

    public void pause() {
        window.pause();
    }

    public void resume() {
        window.resume();
    }

    /** Stops at once (link lost); what was found so far stays marked. */
    public void abort() {
        fail(new SyncException(SyncException.Reason.ABORTED, "online verify aborted"));
    }

    public boolean isPaused() {
        return window.isPaused();
    }

    public int requestsInFlight() {
        return window.requestsInFlight();
    }

    /** Progress over the bytes from the start offset to the end of the data area. */
    public SyncProgress progress() {
        long total = data.size() - startOffset;
        long verified;
        synchronized (this) {
            verified = verifiedBytes;
        }
        return meter.progress(total, Math.max(0, total - verified));
    }

    public SyncCounters counters() {
        return counters;
    }

    private void step() {
        List<Chunk> toRead = new ArrayList<>();
        VerifyResult finished = null;
        synchronized (this) {
            if (window.hasEnded()) {
                return;
            }
            while (!window.isPaused() && window.hasRequestSlot() && window.allowance() > 0) {
                Chunk chunk = again.isEmpty() ? nextChunk() : again.peek();
                if (chunk == null || chunk.length > window.byteRoom()) {
                    break;
                }
                if (chunk == again.peek()) {
                    again.poll();
                } else {
                    cursor += chunk.length;
                }
                chunk.id = nextId++;
                chunksById.put(chunk.id, chunk);
                chunksByOffset.put(chunk.offset, chunk);
                window.admit(chunk.length);
                toRead.add(chunk);
            }
            if (cursor >= data.size() && again.isEmpty() && chunksById.isEmpty() && window.end()) {
                finished = new VerifyResult(outOfSyncBlocks, verifiedBytes);
            }
        }
        toRead.forEach(this::readAndSend);
        if (finished != null) {
            finish(finished);
        }
    }

    /** The chunk at the cursor (not yet advanced), or null at the end. Guarded by this. */
    private Chunk nextChunk() {
        if (cursor >= data.size()) {
            return null;
        }
        return new Chunk(cursor, (int) Math.min(limits.verifyChunkBytes(), data.size() - cursor), 1);
    }

    private void readAndSend(Chunk chunk) {
        ByteBuffer local = ByteBuffer.allocate(chunk.length);
        CompletableFuture<Void> read;
        try {
            read = data.read(chunk.offset, local.duplicate());
        } catch (RuntimeException thrown) {
            read = CompletableFuture.failedFuture(thrown);
        }
        read.whenComplete((ignored, failure) -> {
            if (failure != null) {
                fail(new SyncException(SyncException.Reason.LOCAL_IO_ERROR, "local read of " + chunk.offset + "+"
                        + chunk.length + " for online verify failed: " + failure, failure));
                return;
            }
            byte[] digest = digests.digest(local);
            synchronized (this) {
                if (chunksById.get(chunk.id) != chunk) {
                    return;
                }
                chunk.requested = true;
            }
            context.peer().send(new VerifyRequest(chunk.id, chunk.offset, chunk.length, digest));
        });
    }

    /** Guarded by this. */
    private void retire(Chunk chunk) {
        chunksById.remove(chunk.id);
        chunksByOffset.remove(chunk.offset);
        window.release(chunk.length);
    }

    /** Guarded by this. */
    private void account(Chunk chunk, boolean inSync) {
        verifiedBytes += chunk.length;
        counters.addVerified(chunk.length);
        if (!inSync) {
            long blocks = (chunk.length + BLOCK - 1) / BLOCK;
            bitmap.setRange(chunk.offset, chunk.length);
            outOfSyncBlocks += blocks;
            counters.addVerifyOutOfSyncBlocks(blocks);
            LOG.info("Out of sync: start={}, size={} (sectors)", chunk.offset / 512, chunk.length / 512);
        }
    }

    private void finish(VerifyResult result) {
        context.peer().send(new VerifyDone(result.outOfSyncBlocks()));
        Duration took = Duration.between(started, context.clock().instant());
        LOG.info("Online verify done (total {} sec; {} K/sec)", took.toSeconds(),
                result.verifiedBytes() / 1024 / Math.max(1, took.toSeconds()));
        if (result.outOfSyncBlocks() > 0) {
            LOG.warn("Online verify found {} 4k blocks out of sync!", result.outOfSyncBlocks());
        }
        flushThenComplete(context, result.outOfSyncBlocks() > 0, done, result);
    }

    /** Makes the marks durable (on the metadata executor) before completing {@code future}. */
    static void flushThenComplete(SyncContext context, boolean marked, CompletableFuture<VerifyResult> future,
                                  VerifyResult result) {
        if (!marked) {
            future.complete(result);
            return;
        }
        try {
            context.metadataExecutor().execute(() -> {
                try {
                    context.bitmap().flush();
                    future.complete(result);
                } catch (java.io.IOException | RuntimeException failure) {
                    future.completeExceptionally(new SyncException(SyncException.Reason.LOCAL_IO_ERROR,
                            "bitmap flush after online verify failed: " + failure, failure));
                }
            });
        } catch (RejectedExecutionException rejected) {
            future.completeExceptionally(new SyncException(SyncException.Reason.LOCAL_IO_ERROR,
                    "the metadata executor refused the bitmap flush", rejected));
        }
    }

    private void fail(SyncException failure) {
        synchronized (this) {
            if (!window.end()) {
                return;
            }
            chunksById.clear();
            chunksByOffset.clear();
            again.clear();
        }
        if (failure.reason() == SyncException.Reason.ABORTED) {
            LOG.info("{}", failure.getMessage());
        } else {
            LOG.error("Online verify stopped: {}", failure.getMessage());
        }
        done.completeExceptionally(failure);
    }
}
