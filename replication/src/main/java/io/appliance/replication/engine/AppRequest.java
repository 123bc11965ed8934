package io.appliance.replication.engine;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One application write, discard or flush on the Primary while it is in flight: its local half,
 * its peer half and the caller's future. Confined to the resource's state executor.
 */
final class AppRequest {
    enum Kind { WRITE, DISCARD, FLUSH }

    enum LocalOutcome { PENDING, OK, FAILED, SKIPPED }

    /** Ordered by progress: a later outcome implies the earlier ones (LOST aside). */
    enum PeerOutcome { NONE, PENDING, SENT, RECEIVED, WRITTEN, LOST }

    final Kind kind;
    final long offset;
    final long length;
    final ByteBuffer data;
    final boolean fua;
    final CompletableFuture<Void> result = new CompletableFuture<>();
    final long startedNanos = System.nanoTime();

    /** Position in submission order (1, 2, ...), given at the first submit; 0 before. */
    long admission;
    RangeOrdering.Entry order;
    boolean activityHeld;
    LocalOutcome local = LocalOutcome.PENDING;
    Throwable localError;
    PeerOutcome peer = PeerOutcome.NONE;
    boolean socketWriteDone;
    /** Packets this request travels in (a write longer than max-data-packet-bytes is split). */
    long[] sequences = new long[0];
    int partsSocketDone;
    int partsReceived;
    int partsWritten;
    boolean released;

    AppRequest(Kind kind, long offset, long length, ByteBuffer data, boolean fua) {
        this.kind = kind;
        this.offset = offset;
        this.length = length;
        this.data = data;
        this.fua = fua;
    }

    boolean localSettled() {
        return local != LocalOutcome.PENDING;
    }

    /** The peer half will change no more (acknowledged, lost, or never sent) and the socket let go of the data. */
    boolean peerSettled() {
        return switch (peer) {
            case NONE -> true;
            case WRITTEN, LOST -> socketWriteDone;
            default -> false;
        };
    }
}
