package io.appliance.replication.sync;

import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.replication.wire.Packet;
import io.appliance.replication.wire.VerifyDone;
import io.appliance.replication.wire.VerifyReply;
import io.appliance.replication.wire.VerifyRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online verify, the answering side (DRBD's {@code VerifyT}): for each {@link VerifyRequest} it
 * reads the chunk locally, compares its digest with the peer's, marks the chunk's blocks in the
 * local bitmap when they differ and answers {@link VerifyReply}. A local read error answers "not
 * in sync" and marks the chunk (its content cannot be vouched for). {@link VerifyDone} ends the
 * run: the bitmap is flushed if anything was marked and {@link #done()} completes with the
 * source's count.
 *
 * <p>Threads: any thread; nothing blocks.
 */
public final class VerifyTarget {

    private static final Logger LOG = LoggerFactory.getLogger(VerifyTarget.class);

    private final SyncContext context;
    private final DataArea data;
    private final Digests digests;
    private final SyncCounters counters;
    private final CompletableFuture<VerifyResult> done = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicLong verifiedBytes = new AtomicLong();
    private final AtomicLong markedBlocks = new AtomicLong();
    private final AtomicLong localReadErrors = new AtomicLong();

    public VerifyTarget(SyncContext context, DigestAlgorithm verifyAlg) {
        this.context = context;
        this.data = context.data();
        this.digests = Digests.of(verifyAlg);
        this.counters = context.counters();
    }

    /** Completes after {@link VerifyDone} (and the bitmap flush), or exceptionally on {@link #abort()}. */
    public CompletableFuture<VerifyResult> done() {
        return done;
    }

    /**
     * A {@link VerifyRequest} (answered once the local read completes) or {@link VerifyDone}.
     *
     * @throws IllegalArgumentException for any other packet
     */
    public void onPacket(Packet packet) {
        if (packet instanceof VerifyRequest request) {
            onRequest(request);
        } else if (packet instanceof VerifyDone verifyDone) {
            onDone(verifyDone);
        } else {
            throw new IllegalArgumentException("not a verify request: " + packet);
        }
    }

    /** Stops answering (link lost); what was marked stays marked. */
    public void abort() {
        if (ended.compareAndSet(false, true)) {
            done.completeExceptionally(new SyncException(SyncException.Reason.ABORTED, "online verify aborted"));
        }
    }

    /** Blocks this side marked out of sync so far. */
    public long markedBlocks() {
        return markedBlocks.get();
    }

    public long verifiedBytes() {
        return verifiedBytes.get();
    }

    public long localReadErrors() {
        return localReadErrors.get();
    }

    private void onRequest(VerifyRequest request) {
        if (ended.get()) {
            return;
        }
        long offset = request.offset();
        int length = request.length();
        if (offset > data.size() - length) {
            LOG.warn("Verify request {}+{} outside the data area of {} bytes", offset, length, data.size());
            context.peer().send(new VerifyReply(request.id(), offset, length, false));
            return;
        }
        byte[] peerDigest = request.digest();
        ByteBuffer local = ByteBuffer.allocate(length);
        CompletableFuture<Void> read;
        try {
            read = data.read(offset, local.duplicate());
        } catch (RuntimeException thrown) {
            read = CompletableFuture.failedFuture(thrown);
        }
        read.whenComplete((ignored, failure) -> {
            if (ended.get()) {
                return;
            }
            boolean inSync;
            if (failure != null) {
                localReadErrors.incrementAndGet();
                LOG.warn("Local read of {}+{} for online verify failed: {}", offset, length, failure.toString());
                inSync = false;
            } else {
                inSync = Digests.same(digests.digest(local), peerDigest);
            }
            verifiedBytes.addAndGet(length);
            counters.addVerified(length);
            if (!inSync) {
                long blocks = (length + SyncLimits.BLOCK_BYTES - 1) / SyncLimits.BLOCK_BYTES;
                context.bitmap().setRange(offset, length);
                markedBlocks.addAndGet(blocks);
                counters.addVerifyOutOfSyncBlocks(blocks);
                LOG.info("Out of sync: start={}, size={} (sectors)", offset / 512, length / 512);
            }
            context.peer().send(new VerifyReply(request.id(), offset, length, inSync));
        });
    }

    private void onDone(VerifyDone verifyDone) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (verifyDone.outOfSyncBlocks() > 0) {
            LOG.warn("Online verify found {} 4k blocks out of sync!", verifyDone.outOfSyncBlocks());
        }
        VerifySource.flushThenComplete(context, markedBlocks.get() > 0, done,
                new VerifyResult(verifyDone.outOfSyncBlocks(), verifiedBytes.get()));
    }
}
