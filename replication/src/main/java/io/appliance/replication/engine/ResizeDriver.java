package io.appliance.replication.engine;

import io.appliance.replication.ReplicationException;
import io.appliance.replication.ReplicationException.Reason;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import io.appliance.replication.wire.Sizes;
import io.appliance.replication.wire.SyncStart;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online grow of a connected resource (drbdadm resize): each node re-reads its backing size and
 * moves its internal metadata to the new end ({@link LocalDisk#grow}) with application writes
 * held, then sends its {@link Sizes} while Established; the node that receives Sizes without a
 * resize of its own running grows too and answers with its Sizes. Once a node has grown and holds
 * the peer's post-grow Sizes, it agrees on {@code min(both data sizes)} (both nodes compute the
 * same value from the same two numbers, also when both started a resize at once). A larger agreed
 * size is persisted as lastAgreedBytes, the added blocks are marked out of sync, and the Primary
 * (with two Secondaries: the node whose name sorts lower) starts a bitmap resync of them as
 * SyncSource. State executor only.
 */
final class ResizeDriver {
    private static final Logger log = LoggerFactory.getLogger(ResizeDriver.class);

    private final ResourceEngine engine;
    private Run run;

    /** One resize on this node: its outcome, whether the local grow is done, the peer's Sizes once received. */
    private static final class Run {
        final PeerSession session;
        final CompletableFuture<Void> outcome;
        boolean grown;
        Sizes peerSizes;

        Run(PeerSession session, CompletableFuture<Void> outcome) {
            this.session = session;
            this.outcome = outcome;
        }
    }

    ResizeDriver(ResourceEngine engine) {
        this.engine = engine;
    }

    /** The resize verb on this node; completes once the size is agreed (and the resync of the added blocks started). */
    CompletableFuture<Void> start(PeerSession session) {
        if (run != null) {
            throw engine.refused(Reason.BUSY, "a resize is already running");
        }
        Run started = new Run(session, new CompletableFuture<>());
        run = started;
        growThenSend(started);
        return started.outcome;
    }

    /** Sizes while Established: the answer to our resize, or the peer's resize. */
    void onSizes(PeerSession session, Sizes sizes) {
        if (run == null) {
            Run answering = new Run(session, new CompletableFuture<>());
            answering.outcome.whenComplete((ignored, error) -> {
                if (error != null) {
                    engine.problem("resize requested by " + session.peerName() + " failed: "
                            + IoPath.unwrap(error).getMessage());
                }
            });
            run = answering;
            log.info("{}: peer {} resized: re-reading the backing size", engine.name(), session.peerName());
            answering.peerSizes = sizes;
            growThenSend(answering);
            return;
        }
        run.peerSizes = sizes;
        maybeAgree(run);
    }

    /**
     * The link or the disk is gone: a running resize ends. A metadata move already done stays (the
     * data area is larger); the size is agreed again at the next handshake.
     */
    void abort(String why) {
        Run lost = run;
        if (lost != null) {
            run = null;
            lost.outcome.completeExceptionally(engine.refused(Reason.NOT_CONNECTED, "resize aborted: " + why));
        }
    }

    private void growThenSend(Run current) {
        LocalDisk disk = engine.disk;
        engine.io.holdAdmission();
        engine.io.idle()
                .thenComposeAsync(idle -> engine.io.overlappingWritesDone(0, Long.MAX_VALUE / 2), engine.executor())
                .thenComposeAsync(drained -> disk.grow(engine.env.backingOpener(), engine.self), engine.executor())
                .whenCompleteAsync((dataBytes, error) -> {
                    engine.io.releaseAdmission();
                    if (run != current) {
                        return;
                    }
                    if (error != null) {
                        Throwable cause = IoPath.unwrap(error);
                        log.error("{}: resize: growing the local disk failed: {}", engine.name(), cause.getMessage());
                        current.session.send(engine.protocol.localSizes());
                        run = null;
                        current.outcome.completeExceptionally(new ReplicationException(Reason.IO_ERROR,
                                engine.name() + ": resize failed: " + cause.getMessage(), cause));
                        return;
                    }
                    log.info("{}: resize: local data area {} bytes", engine.name(), dataBytes);
                    current.grown = true;
                    current.session.send(engine.protocol.localSizes());
                    maybeAgree(current);
                    engine.published();
                }, engine.executor());
    }

    private void maybeAgree(Run current) {
        if (!current.grown || current.peerSizes == null) {
            return;
        }
        run = null;
        LocalDisk disk = engine.disk;
        if (disk == null || engine.establishedSession() != current.session) {
            current.outcome.completeExceptionally(engine.refused(Reason.NOT_CONNECTED, "resize: not connected any more"));
            return;
        }
        long before = engine.sizeBytes();
        long agreed = Math.min(disk.dataBytes(), current.peerSizes.dataBytes());
        if (agreed <= before) {
            log.info("{}: resize: nothing to do (agreed size {} bytes, now {} bytes)", engine.name(), agreed, before);
            current.outcome.complete(null);
            return;
        }
        disk.bitmap().setRange(before, agreed - before);
        disk.updateSuperblock(sb -> sb.withLastAgreedBytes(agreed)).whenCompleteAsync((sb, error) -> {
            if (error != null) {
                current.outcome.completeExceptionally(IoPath.unwrap(error));
                return;
            }
            log.info("{}: size = {} KiB (was {} KiB)", engine.name(), agreed / 1024, before / 1024);
            if (isSyncSource(current.session) && engine.replication == ReplicationState.ESTABLISHED) {
                current.session.send(new SyncStart(true, false));
                engine.sync.startSource(current.session);
                log.info("{}: Began resync as SyncSource of the added {} KiB", engine.name(), (agreed - before) / 1024);
            }
            engine.published();
            current.outcome.complete(null);
        }, engine.executor());
    }

    private boolean isSyncSource(PeerSession session) {
        if (engine.role == Role.PRIMARY) {
            return true;
        }
        if (engine.peerRole == Role.PRIMARY) {
            return false;
        }
        return engine.nodeName.compareTo(session.peerName()) < 0;
    }
}
