package io.appliance.replication.sync;

import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.replication.wire.CsumResyncRequest;
import io.appliance.replication.wire.Packet;
import io.appliance.replication.wire.ResyncData;
import io.appliance.replication.wire.ResyncInSync;
import io.appliance.replication.wire.ResyncNegReply;
import io.appliance.replication.wire.ResyncRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SyncSource side of a resync: answers the target's requests from the local data area.
 *
 * <p>A {@link ResyncRequest} is answered with {@link ResyncData}; a {@link CsumResyncRequest} with
 * {@link ResyncInSync} when the local digest equals the target's (the bytes are counted as
 * skipped) and with {@link ResyncData} otherwise; a local read error, a range outside the data
 * area, a request longer than {@link #MAX_REQUEST_BYTES} or more than the allowed outstanding
 * reads give {@link ResyncNegReply}. The target paces the traffic; this side only bounds its
 * outstanding reads.
 *
 * <p>Ordering contract for the engine: a request must be passed to {@link #onRequest} only after
 * every earlier replicated write from the peer overlapping its range has completed locally, so
 * that the read sees them (the peer's FIFO link orders them; the engine holds the request until
 * those writes complete).
 *
 * <p>Threads: {@link #onRequest} may be called from any thread and never blocks; replies leave
 * from the data area's completion threads.
 */
public final class ResyncSource {

    private static final Logger LOG = LoggerFactory.getLogger(ResyncSource.class);

    /** The longest request answered (a target asks for at most 128 KiB by default). */
    public static final int MAX_REQUEST_BYTES = 1024 * 1024;

    private final DataArea data;
    private final PeerSender peer;
    private final SyncCounters counters;
    private final Digests csums;
    private final int maxOutstandingReads;
    private final AtomicInteger outstandingReads = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param csumsAlg            {@code csums-alg} (both sides agree on it in the handshake); without
     *                            it a CsumResyncRequest is answered with the data
     * @param maxOutstandingReads reads answered at the same time; more are refused with a NegReply
     */
    public ResyncSource(SyncContext context, Optional<DigestAlgorithm> csumsAlg, int maxOutstandingReads) {
        if (maxOutstandingReads < 1) {
            throw new IllegalArgumentException("maxOutstandingReads must be at least 1, got " + maxOutstandingReads);
        }
        this.data = context.data();
        this.peer = context.peer();
        this.counters = context.counters();
        this.csums = csumsAlg.map(Digests::of).orElse(null);
        this.maxOutstandingReads = maxOutstandingReads;
    }

    /**
     * Answers a {@link ResyncRequest} or {@link CsumResyncRequest}.
     *
     * @throws IllegalArgumentException for any other packet
     */
    public void onRequest(Packet packet) {
        if (packet instanceof ResyncRequest request) {
            answer(request.id(), request.offset(), request.length(), null);
        } else if (packet instanceof CsumResyncRequest request) {
            answer(request.id(), request.offset(), request.length(), request.digest());
        } else {
            throw new IllegalArgumentException("not a resync request: " + packet);
        }
    }

    /** Reads answered but not yet completed. */
    public int outstandingReads() {
        return outstandingReads.get();
    }

    /** Stops answering: reads still running complete without sending anything. */
    public void close() {
        closed.set(true);
    }

    private void answer(long id, long offset, int length, byte[] targetDigest) {
        if (closed.get()) {
            return;
        }
        if (offset < 0 || offset > data.size() - length) {
            refuse(id, offset, length, "range outside the data area of " + data.size() + " bytes");
            return;
        }
        if (length > MAX_REQUEST_BYTES) {
            refuse(id, offset, length, "request longer than " + MAX_REQUEST_BYTES + " bytes");
            return;
        }
        if (outstandingReads.incrementAndGet() > maxOutstandingReads) {
            outstandingReads.decrementAndGet();
            refuse(id, offset, length, "more than " + maxOutstandingReads + " resync requests outstanding");
            return;
        }
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(length, length);
        ByteBuffer target = buffer.nioBuffer(0, length);
        CompletableFuture<Void> read;
        try {
            read = data.read(offset, target);
        } catch (RuntimeException thrown) {
            read = CompletableFuture.failedFuture(thrown);
        }
        read.whenComplete((ignored, failure) -> {
            outstandingReads.decrementAndGet();
            if (closed.get()) {
                buffer.release();
            } else if (failure != null) {
                buffer.release();
                LOG.warn("Local read of {}+{} for the sync target failed: {}", offset, length, failure.toString());
                refuse(id, offset, length, "read error: " + failure);
            } else {
                buffer.writerIndex(length);
                reply(id, offset, length, buffer, targetDigest);
            }
        });
    }

    private void reply(long id, long offset, int length, ByteBuf buffer, byte[] targetDigest) {
        if (targetDigest != null && csums != null
                && Digests.same(csums.digest(buffer.nioBuffer(0, length)), targetDigest)) {
            buffer.release();
            counters.addSkipped(length);
            peer.send(new ResyncInSync(id, offset, length));
            return;
        }
        counters.addSent(length);
        peer.send(new ResyncData(id, offset, buffer));
    }

    private void refuse(long id, long offset, int length, String reason) {
        counters.addNegativeReply();
        peer.send(new ResyncNegReply(id, Math.max(0, offset), length, reason));
    }
}
