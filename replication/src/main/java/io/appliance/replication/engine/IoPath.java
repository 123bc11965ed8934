package io.appliance.replication.engine;

import io.appliance.config.replication.OnIoError;
import io.appliance.config.replication.ReplicationProtocol;
import io.appliance.iscsi.block.BlockDeviceNotReadyException;
import io.appliance.replication.engine.AppRequest.Kind;
import io.appliance.replication.engine.AppRequest.LocalOutcome;
import io.appliance.replication.engine.AppRequest.PeerOutcome;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import io.appliance.replication.wire.Data;
import io.appliance.replication.wire.Discard;
import io.appliance.replication.wire.Flush;
import io.appliance.replication.wire.FlushAck;
import io.appliance.replication.wire.NegAck;
import io.appliance.replication.wire.NegReadReply;
import io.appliance.replication.wire.Packet;
import io.appliance.replication.wire.ReadReply;
import io.appliance.replication.wire.ReadRequest;
import io.appliance.replication.wire.RecvAck;
import io.appliance.replication.wire.WriteAck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The data path of one resource, both halves: application requests on the Primary (ordering of
 * overlapping writes, activity log, local + peer dispatch, protocol A/B/C completion, out-of-sync
 * marking, detach on local error, reads from the peer) and replicated requests arriving on the
 * Secondary (applied in arrival order for overlapping ranges, acknowledged per protocol).
 * Every method runs on the resource's state executor.
 */
final class IoPath {
    private final ResourceEngine engine;
    private final RangeOrdering localOrder = new RangeOrdering();
    private final RangeOrdering peerOrder = new RangeOrdering();
    private final Map<Long, AppRequest> awaitingPeer = new HashMap<>();
    private final Map<Long, PeerRead> awaitingRead = new HashMap<>();
    private final Deque<AppRequest> parked = new ArrayDeque<>();
    private long nextSequence = 1;
    private long nextReadId = 1;
    private int inFlight;
    private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
    private final List<AppRequest> heldRequests = new ArrayList<>();
    private boolean admissionHeld;
    /** Submitted requests not yet handed to the peer link (nor marked out of sync), in submission order. */
    private final Set<AppRequest> undispatched = new LinkedHashSet<>();
    private final Deque<DispatchBarrier> afterDispatch = new ArrayDeque<>();
    private long nextAdmission = 1;

    /** An action that waits until every request submitted before {@code admittedBefore} is dispatched. */
    private record DispatchBarrier(long admittedBefore, Runnable action) {}

    /** One ReadRequest in flight: the slice of the caller's buffer it fills and the read it is part of. */
    private record PeerRead(ByteBuffer dst, PeerReadGroup group) {}

    /** A read served by the peer, split into ReadRequests of at most max-data-packet bytes. */
    private static final class PeerReadGroup {
        final CompletableFuture<Void> result;
        final int length;
        int partsLeft;

        PeerReadGroup(CompletableFuture<Void> result, int length, int parts) {
            this.result = result;
            this.length = length;
            this.partsLeft = parts;
        }
    }

    IoPath(ResourceEngine engine) {
        this.engine = engine;
    }

    // ---- application side (Primary) ----

    void submit(AppRequest request) {
        if (request.admission == 0) {
            request.admission = nextAdmission++;
            undispatched.add(request);
        }
        if (admissionHeld) {
            heldRequests.add(request);
            return;
        }
        if (engine.role != Role.PRIMARY) {
            request.result.completeExceptionally(new BlockDeviceNotReadyException(
                    engine.name() + ": not Primary on " + engine.nodeName + " (role " + engine.role.drbdName() + ")"));
            dispatched(request);
            return;
        }
        if (request.kind != Kind.FLUSH && !inRange(request.offset, request.length)) {
            request.result.completeExceptionally(new IllegalArgumentException("range " + request.offset + "+"
                    + request.length + " outside the device of " + engine.sizeBytes() + " bytes or not aligned to 512"));
            dispatched(request);
            return;
        }
        if (engine.disk == null && !peerServesIo()) {
            request.result.completeExceptionally(new IOException(engine.name() + ": no local disk and no peer with data"));
            dispatched(request);
            return;
        }
        inFlight++;
        if (request.kind == Kind.FLUSH) {
            dispatch(request);
            return;
        }
        request.order = localOrder.admit(request.offset, request.length);
        CompletableFuture<Void> ready = request.order.ready();
        if (ready.isDone()) {
            activate(request);
        } else {
            ready.whenCompleteAsync((ignored, error) -> activate(request), engine.executor());
        }
    }

    private boolean inRange(long offset, long length) {
        return offset >= 0 && length >= 0 && offset % 512 == 0 && length % 512 == 0
                && offset <= engine.sizeBytes() - length;
    }

    private void activate(AppRequest request) {
        LocalDisk disk = engine.disk;
        if (disk == null) {
            dispatch(request);
            return;
        }
        if (disk.activityLog().tryBegin(request.offset, request.length)) {
            request.activityHeld = true;
            dispatch(request);
            return;
        }
        engine.counters.alTransactions.increment();
        disk.beginActivity(request.offset, request.length).whenCompleteAsync((ignored, error) -> {
            if (error == null && engine.disk == disk) {
                request.activityHeld = true;
            } else if (error != null) {
                engine.localIoError(unwrap(error));
            }
            dispatch(request);
        }, engine.executor());
    }

    private void dispatch(AppRequest request) {
        PeerSession session = engine.establishedSession();
        if (session != null && peerTakesWrites() && !session.channel().isWritable()) {
            parked.add(request);
            return;
        }
        if (session != null && peerTakesWrites()) {
            sendToPeer(session, request);
        } else if (request.kind != Kind.FLUSH) {
            markOutOfSync(request.offset, request.length);
        }
        dispatched(request);
        issueLocal(request);
        settle(request);
    }

    /** The channel became writable again: release the parked requests in order. */
    void writable() {
        while (!parked.isEmpty()) {
            PeerSession session = engine.establishedSession();
            if (session != null && !session.channel().isWritable()) {
                return;
            }
            AppRequest request = parked.poll();
            if (session == null) {
                if (request.kind != Kind.FLUSH) {
                    markOutOfSync(request.offset, request.length);
                }
                dispatched(request);
                issueLocal(request);
                settle(request);
            } else {
                sendToPeer(session, request);
                dispatched(request);
                issueLocal(request);
                settle(request);
            }
        }
    }

    private boolean peerTakesWrites() {
        DiskState peerDisk = engine.peerDisk;
        return peerDisk == DiskState.UP_TO_DATE || peerDisk == DiskState.INCONSISTENT
                || peerDisk == DiskState.CONSISTENT || peerDisk == DiskState.OUTDATED;
    }

    private boolean peerServesIo() {
        return engine.establishedSession() != null && engine.peerDisk == DiskState.UP_TO_DATE;
    }

    private void sendToPeer(PeerSession session, AppRequest request) {
        request.peer = PeerOutcome.PENDING;
        long maxPart = maxPacketDataBytes();
        int parts = request.kind == Kind.WRITE ? (int) Math.max(1, (request.length + maxPart - 1) / maxPart) : 1;
        request.sequences = new long[parts];
        for (int part = 0; part < parts; part++) {
            long sequence = nextSequence++;
            request.sequences[part] = sequence;
            awaitingPeer.put(sequence, request);
        }
        for (int part = 0; part < parts; part++) {
            long sequence = request.sequences[part];
            Packet packet = switch (request.kind) {
                case WRITE -> {
                    long partOffset = part * maxPart;
                    int partLength = (int) Math.min(maxPart, request.length - partOffset);
                    ByteBuffer slice = request.data.duplicate();
                    slice.position(slice.position() + (int) partOffset).limit(slice.position() + partLength);
                    yield new Data(sequence, request.offset + partOffset, request.fua, Unpooled.wrappedBuffer(slice));
                }
                case DISCARD -> new Discard(sequence, request.offset, request.length);
                case FLUSH -> new Flush(sequence);
            };
            session.sendWithCompletion(packet, success -> {
                request.partsSocketDone++;
                if (!success) {
                    peerLost(request);
                }
                if (request.partsSocketDone == request.sequences.length) {
                    request.socketWriteDone = true;
                    if (request.peer == PeerOutcome.PENDING) {
                        request.peer = PeerOutcome.SENT;
                    }
                }
                settle(request);
            });
        }
        if (request.kind == Kind.WRITE) {
            engine.counters.sentBytes.add(request.length);
        }
    }

    /**
     * Runs {@code action} once every request submitted so far has been dispatched: its packets are in the
     * session's outbox (or it was marked out of sync, or failed). A packet the action sends thus follows
     * them on the connection. Requests waiting for an overlapping write, an activity-log transaction, a
     * writable channel or a resize are waited for; later requests are not.
     */
    void afterEarlierRequests(Runnable action) {
        afterDispatch.add(new DispatchBarrier(nextAdmission, action));
        runPassedBarriers();
    }

    private void dispatched(AppRequest request) {
        undispatched.remove(request);
        runPassedBarriers();
    }

    private void runPassedBarriers() {
        while (!afterDispatch.isEmpty()) {
            long oldestUndispatched = undispatched.isEmpty() ? Long.MAX_VALUE : undispatched.iterator().next().admission;
            if (oldestUndispatched < afterDispatch.peek().admittedBefore()) {
                return;
            }
            afterDispatch.poll().action().run();
        }
    }

    /** The most data bytes one DATA, READ_REQUEST or READ_REPLY may carry: the peer's decoder refuses more. */
    private long maxPacketDataBytes() {
        return Math.max(512, engine.options.maxDataPacketBytes() / 512 * 512);
    }

    private void issueLocal(AppRequest request) {
        LocalDisk disk = engine.disk;
        if (disk == null) {
            request.local = LocalOutcome.SKIPPED;
            releaseOrder(request);
            return;
        }
        if (request.kind != Kind.FLUSH) {
            engine.resyncWillBeOverwritten(request.offset, request.length);
        }
        CompletableFuture<Void> io = switch (request.kind) {
            case WRITE -> disk.dataArea().write(request.offset, request.data.duplicate(), request.fua);
            case DISCARD -> disk.backing().discard(request.offset, request.length);
            case FLUSH -> disk.dataArea().flush();
        };
        io.whenCompleteAsync((ignored, error) -> {
            if (error == null) {
                request.local = LocalOutcome.OK;
                if (request.kind == Kind.WRITE) {
                    engine.counters.appWrittenBytes.add(request.length);
                }
            } else {
                request.local = LocalOutcome.FAILED;
                request.localError = unwrap(error);
                engine.localIoError(request.localError);
            }
            releaseOrder(request);
            settle(request);
        }, engine.executor());
    }

    private void releaseOrder(AppRequest request) {
        if (request.order != null) {
            localOrder.release(request.order);
        }
    }

    void onRecvAck(RecvAck ack) {
        AppRequest request = awaitingPeer.get(ack.sequence());
        if (request != null && request.peer.ordinal() < PeerOutcome.RECEIVED.ordinal()
                && ++request.partsReceived == request.sequences.length) {
            request.peer = PeerOutcome.RECEIVED;
            settle(request);
        }
    }

    void onWriteAck(long sequence) {
        AppRequest request = awaitingPeer.remove(sequence);
        if (request != null && request.peer != PeerOutcome.LOST
                && ++request.partsWritten == request.sequences.length) {
            request.peer = PeerOutcome.WRITTEN;
            settle(request);
        }
    }

    void onNegAck(NegAck ack) {
        AppRequest request = awaitingPeer.get(ack.sequence());
        if (request != null) {
            engine.logPeerFailure("peer failed request " + ack.sequence() + ": " + ack.reason());
            peerLost(request);
            settle(request);
        }
    }

    private void peerLost(AppRequest request) {
        if (request.peer == PeerOutcome.LOST) {
            return;
        }
        for (long sequence : request.sequences) {
            awaitingPeer.remove(sequence);
        }
        request.peer = PeerOutcome.LOST;
        if (request.kind != Kind.FLUSH) {
            markOutOfSync(request.offset, request.length);
        }
    }

    private void markOutOfSync(long offset, long length) {
        LocalDisk disk = engine.disk;
        if (disk != null && length > 0) {
            disk.bitmap().setRange(offset, length);
        }
    }

    /** Completes the caller when the protocol allows, and releases the request when both halves settled. */
    private void settle(AppRequest request) {
        if (!request.result.isDone()) {
            Throwable failure = failure(request);
            if (failure != null) {
                request.result.completeExceptionally(failure);
            } else if (complete(request)) {
                request.result.complete(null);
            }
        }
        if (!request.released && request.localSettled() && request.peerSettled()) {
            request.released = true;
            if (request.activityHeld && engine.disk != null) {
                engine.disk.activityLog().end(request.offset, request.length);
            }
            if (!request.result.isDone()) {
                request.result.completeExceptionally(new IOException(engine.name() + ": request could not complete"));
            }
            inFlight--;
            if (inFlight == 0) {
                idleWaiters.forEach(waiter -> waiter.complete(null));
                idleWaiters.clear();
            }
        }
    }

    private Throwable failure(AppRequest request) {
        boolean localUnusable = request.local == LocalOutcome.FAILED || request.local == LocalOutcome.SKIPPED;
        if (!localUnusable) {
            return null;
        }
        boolean viaPeer = request.local == LocalOutcome.SKIPPED || engine.options.onIoError() == OnIoError.DETACH;
        if (!viaPeer) {
            return request.localError;
        }
        if (request.peer == PeerOutcome.NONE || request.peer == PeerOutcome.LOST) {
            return request.localError != null ? request.localError
                    : new IOException(engine.name() + ": no local disk and the peer did not complete the request");
        }
        return null;
    }

    private boolean complete(AppRequest request) {
        switch (request.local) {
            case PENDING:
                return false;
            case FAILED, SKIPPED:
                // detached: the peer's copy is the only one, so wait for its write (protocol C semantics)
                return request.peer == PeerOutcome.WRITTEN;
            default:
                break;
        }
        if (request.peer == PeerOutcome.NONE || request.peer == PeerOutcome.LOST) {
            return true;
        }
        if (request.kind == Kind.FLUSH) {
            return request.peer == PeerOutcome.WRITTEN;
        }
        ReplicationProtocol protocol = engine.options.protocol();
        return switch (protocol) {
            case A -> request.socketWriteDone;
            case B -> request.peer == PeerOutcome.RECEIVED || request.peer == PeerOutcome.WRITTEN;
            case C -> request.peer == PeerOutcome.WRITTEN;
        };
    }

    /** Age of the oldest request waiting for the peer, in nanoseconds (0 when none). */
    long oldestPeerWaitNanos(long nowNanos) {
        long oldest = 0;
        for (AppRequest request : awaitingPeer.values()) {
            oldest = Math.max(oldest, nowNanos - request.startedNanos);
        }
        return oldest;
    }

    /** The link is gone: every request waiting for the peer completes with its local result. */
    void linkLost() {
        for (AppRequest request : List.copyOf(new java.util.LinkedHashSet<>(awaitingPeer.values()))) {
            peerLost(request);
            settle(request);
        }
        for (PeerRead read : List.copyOf(awaitingRead.values())) {
            read.group.result.completeExceptionally(new IOException(engine.name()
                    + ": connection to the peer lost during a read"));
        }
        awaitingRead.clear();
        writable();
    }

    /** New application requests wait (in order) until {@link #releaseAdmission()}: a resize moves the metadata. */
    void holdAdmission() {
        admissionHeld = true;
    }

    /** Submits the requests held since {@link #holdAdmission()}, in arrival order. */
    void releaseAdmission() {
        admissionHeld = false;
        List<AppRequest> held = List.copyOf(heldRequests);
        heldRequests.clear();
        held.forEach(this::submit);
    }

    /** Completes when no application request is in flight. */
    CompletableFuture<Void> idle() {
        if (inFlight == 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        idleWaiters.add(waiter);
        return waiter;
    }

    /** Completes when every replicated write or discard received from the peer so far is on the backing device. */
    CompletableFuture<Void> receivedWritesDone() {
        return peerOrder.drained();
    }

    /** Completes when every in-flight local or replicated write overlapping the range completed locally. */
    CompletableFuture<Void> overlappingWritesDone(long offset, long length) {
        return CompletableFuture.allOf(localOrder.overlapsDone(offset, length), peerOrder.overlapsDone(offset, length));
    }

    // ---- reads ----

    void read(long offset, ByteBuffer dst, CompletableFuture<Void> result) {
        if (engine.role != Role.PRIMARY) {
            result.completeExceptionally(new BlockDeviceNotReadyException(
                    engine.name() + ": not Primary on " + engine.nodeName + " (role " + engine.role.drbdName() + ")"));
            return;
        }
        int length = dst.remaining();
        if (!inRange(offset, length)) {
            result.completeExceptionally(new IllegalArgumentException("range " + offset + "+" + length
                    + " outside the device of " + engine.sizeBytes() + " bytes or not aligned to 512"));
            return;
        }
        if (readsLocally(offset, length)) {
            LocalDisk disk = engine.disk;
            disk.dataArea().read(offset, dst.duplicate()).whenCompleteAsync((ignored, error) -> {
                if (error == null) {
                    engine.counters.appReadBytes.add(length);
                    result.complete(null);
                    return;
                }
                engine.localIoError(unwrap(error));
                if (engine.options.onIoError() == OnIoError.DETACH && peerServesIo()) {
                    readFromPeer(offset, dst, result);
                } else {
                    result.completeExceptionally(unwrap(error));
                }
            }, engine.executor());
        } else if (peerServesIo()) {
            readFromPeer(offset, dst, result);
        } else {
            result.completeExceptionally(new IOException(engine.name() + ": no UpToDate data reachable for "
                    + offset + "+" + length));
        }
    }

    private boolean readsLocally(long offset, long length) {
        LocalDisk disk = engine.disk;
        if (disk == null) {
            return false;
        }
        if (engine.diskState == DiskState.UP_TO_DATE) {
            return true;
        }
        return engine.replication == ReplicationState.SYNC_TARGET && !disk.bitmap().anySet(offset, length);
    }

    /**
     * Reads through the peer, in ReadRequests of at most max-data-packet bytes each (the peer's
     * decoder refuses a longer one as malformed, like a longer Data packet); the read completes
     * when every part arrived, and fails with the first part that fails.
     */
    private void readFromPeer(long offset, ByteBuffer dst, CompletableFuture<Void> result) {
        PeerSession session = engine.establishedSession();
        if (session == null) {
            result.completeExceptionally(new IOException(engine.name() + ": no peer to read from"));
            return;
        }
        int length = dst.remaining();
        int maxPart = (int) maxPacketDataBytes();
        int parts = Math.max(1, (length + maxPart - 1) / maxPart);
        PeerReadGroup group = new PeerReadGroup(result, length, parts);
        for (int part = 0; part < parts; part++) {
            int partOffset = part * maxPart;
            int partLength = Math.min(maxPart, length - partOffset);
            ByteBuffer slice = dst.duplicate();
            slice.position(dst.position() + partOffset).limit(dst.position() + partOffset + partLength);
            long id = nextReadId++;
            awaitingRead.put(id, new PeerRead(slice, group));
            session.send(new ReadRequest(id, offset + partOffset, partLength));
        }
    }

    void onReadReply(ReadReply reply) {
        try {
            PeerRead read = awaitingRead.remove(reply.id());
            if (read == null || read.group.result.isDone()) {
                return;
            }
            ByteBuf data = reply.data();
            if (data.readableBytes() != read.dst.remaining()) {
                read.group.result.completeExceptionally(new IOException("peer answered a read of "
                        + read.dst.remaining() + " bytes with " + data.readableBytes()));
                return;
            }
            data.getBytes(data.readerIndex(), read.dst.duplicate());
            engine.counters.receivedBytes.add(read.dst.remaining());
            if (--read.group.partsLeft == 0) {
                engine.counters.appReadBytes.add(read.group.length);
                read.group.result.complete(null);
            }
        } finally {
            reply.release();
        }
    }

    void onNegReadReply(NegReadReply reply) {
        PeerRead read = awaitingRead.remove(reply.id());
        if (read != null) {
            read.group.result.completeExceptionally(new IOException(engine.name() + ": peer failed the read: "
                    + reply.reason()));
        }
    }

    // ---- replicated side (Secondary) ----

    void onData(PeerSession session, Data data) {
        int length = data.data().readableBytes();
        engine.counters.receivedBytes.add(length);
        if (engine.options.protocol() == ReplicationProtocol.B) {
            session.send(new RecvAck(data.sequence()));
        }
        LocalDisk disk = engine.disk;
        if (disk == null) {
            data.release();
            session.send(new NegAck(data.sequence(), "no local disk on " + engine.nodeName));
            return;
        }
        engine.resyncWillBeOverwritten(data.offset(), length);
        RangeOrdering.Entry entry = peerOrder.admit(data.offset(), length);
        Runnable apply = () -> disk.dataArea().write(data.offset(), data.data().nioBuffer(), data.fua())
                .whenCompleteAsync((done, error) -> {
                    data.release();
                    peerOrder.release(entry);
                    replicatedWriteDone(session, disk, data.sequence(), data.offset(), length, error);
                }, engine.executor());
        whenReady(entry, apply);
    }

    /** Runs at once when no earlier overlapping request is in flight (the common case), else when they are done. */
    private void whenReady(RangeOrdering.Entry entry, Runnable action) {
        if (entry.ready().isDone()) {
            action.run();
        } else {
            entry.ready().whenCompleteAsync((ignored, unused) -> action.run(), engine.executor());
        }
    }

    void onDiscard(PeerSession session, Discard discard) {
        LocalDisk disk = engine.disk;
        if (disk == null) {
            session.send(new NegAck(discard.sequence(), "no local disk on " + engine.nodeName));
            return;
        }
        if (engine.options.protocol() == ReplicationProtocol.B) {
            session.send(new RecvAck(discard.sequence()));
        }
        engine.resyncWillBeOverwritten(discard.offset(), discard.length());
        RangeOrdering.Entry entry = peerOrder.admit(discard.offset(), discard.length());
        whenReady(entry, () -> disk.backing().discard(discard.offset(), discard.length())
                .whenCompleteAsync((done, error) -> {
                    peerOrder.release(entry);
                    replicatedWriteDone(session, disk, discard.sequence(), discard.offset(), discard.length(), error);
                }, engine.executor()));
    }

    private void replicatedWriteDone(PeerSession session, LocalDisk disk, long sequence, long offset, long length,
                                     Throwable error) {
        if (error == null) {
            if (engine.peerDisk == DiskState.DISKLESS) {
                disk.bitmap().setRange(offset, length);
            }
            session.send(new WriteAck(sequence));
        } else {
            disk.bitmap().setRange(offset, length);
            session.send(new NegAck(sequence, String.valueOf(unwrap(error).getMessage())));
            engine.localIoError(unwrap(error));
        }
    }

    void onFlush(PeerSession session, Flush flush) {
        LocalDisk disk = engine.disk;
        if (disk == null) {
            session.send(new FlushAck(flush.sequence()));
            return;
        }
        peerOrder.drained().whenCompleteAsync((ignored, unused) ->
                disk.dataArea().flush().whenCompleteAsync((done, error) -> {
                    if (error != null) {
                        engine.localIoError(unwrap(error));
                    }
                    session.send(new FlushAck(flush.sequence()));
                }, engine.executor()), engine.executor());
    }

    void onReadRequest(PeerSession session, ReadRequest request) {
        LocalDisk disk = engine.disk;
        if (disk == null || engine.diskState != DiskState.UP_TO_DATE) {
            session.send(new NegReadReply(request.id(), "no UpToDate disk on " + engine.nodeName));
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate(request.length());
        disk.dataArea().read(request.offset(), buffer.duplicate()).whenCompleteAsync((ignored, error) -> {
            if (error == null) {
                engine.counters.sentBytes.add(request.length());
                session.send(new ReadReply(request.id(), Unpooled.wrappedBuffer(buffer)));
            } else {
                session.send(new NegReadReply(request.id(), String.valueOf(unwrap(error).getMessage())));
                engine.localIoError(unwrap(error));
            }
        }, engine.executor());
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
