package io.appliance.replication.engine;

import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.sync.ResyncRateController;
import io.appliance.replication.sync.ResyncSource;
import io.appliance.replication.sync.ResyncTarget;
import io.appliance.replication.sync.SyncContext;
import io.appliance.replication.sync.SyncLimits;
import io.appliance.replication.sync.SyncProgress;
import io.appliance.replication.sync.SyncRateMeter;
import io.appliance.replication.sync.VerifySource;
import io.appliance.replication.sync.VerifyTarget;
import io.appliance.replication.wire.CsumResyncRequest;
import io.appliance.replication.wire.Packet;
import io.appliance.replication.wire.ResyncData;
import io.appliance.replication.wire.ResyncInSync;
import io.appliance.replication.wire.ResyncNegReply;
import io.appliance.replication.wire.ResyncRequest;
import io.appliance.replication.wire.VerifyDone;
import io.appliance.replication.wire.VerifyReply;
import io.appliance.replication.wire.VerifyRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sync package's objects for one resource: at most one resync role (SyncSource or
 * SyncTarget) and one verify role (VerifyS or VerifyT) at a time, fed by the packet router and
 * the engine's tick. State executor only.
 */
final class SyncDriver {
    private static final Logger log = LoggerFactory.getLogger(SyncDriver.class);
    private static final long BLOCK_BYTES = SyncLimits.BLOCK_BYTES;

    private final ResourceEngine engine;
    private ResyncTarget target;
    private ResyncSource source;
    private SyncRateMeter sourceMeter;
    private long sourceTotalBytes;
    private VerifySource verifySource;
    private VerifyTarget verifyTarget;

    SyncDriver(ResourceEngine engine) {
        this.engine = engine;
    }

    private SyncContext context(PeerSession session) {
        LocalDisk disk = engine.disk;
        return new SyncContext(disk.bitmap(), disk.dataArea(), session::send, engine.env.clock(),
                disk.metadataExecutor(), engine.syncCounters);
    }

    private SyncLimits limits() {
        return SyncLimits.forLink(engine.options.maxDataPacketBytes());
    }

    private ResyncRateController rateController() {
        return new ResyncRateController(engine.env.clock(), engine.options.resyncRateBytesPerSecond(),
                engine.options.cMinRateBytesPerSecond());
    }

    void startTarget(PeerSession session) {
        abort();
        clearPauses();
        engine.replication = ReplicationState.SYNC_TARGET;
        engine.diskState = DiskState.INCONSISTENT;
        engine.persistFlags(flags -> flags.withConsistent(false));
        engine.sendState();
        ResyncTarget started = new ResyncTarget(context(session), limits(), rateController(),
                engine.options.csumsAlg());
        target = started;
        started.done().whenCompleteAsync((ignored, error) -> {
            if (target != started) {
                return;
            }
            if (error == null) {
                engine.protocol.targetDone(session);
            } else {
                engine.problem("resync stopped: " + IoPath.unwrap(error).getMessage());
            }
        }, engine.executor());
        started.tick();
    }

    void startSource(PeerSession session) {
        abort();
        clearPauses();
        engine.replication = ReplicationState.SYNC_SOURCE;
        engine.peerDisk = DiskState.INCONSISTENT;
        source = new ResyncSource(context(session), engine.options.csumsAlg(),
                SyncLimits.LINK_REQUESTS_IN_FLIGHT);
        sourceMeter = new SyncRateMeter(engine.env.clock());
        sourceTotalBytes = engine.disk.bitmap().outOfSyncBytes();
        engine.sendState();
    }

    void startVerify(PeerSession session) {
        VerifySource started = new VerifySource(context(session), limits(), rateController(),
                engine.options.verifyAlg().orElseThrow(), 0);
        verifySource = started;
        engine.replication = ReplicationState.VERIFY_S;
        started.done().whenCompleteAsync((result, error) -> {
            if (verifySource != started) {
                return;
            }
            verifySource = null;
            if (error == null) {
                engine.verifiedOutOfSyncBytes = result.outOfSyncBlocks() * BLOCK_BYTES;
                log.info("{}: Online verify done: {} KiB out of sync", engine.name(),
                        engine.verifiedOutOfSyncBytes / 1024);
            } else {
                engine.problem("online verify stopped: " + IoPath.unwrap(error).getMessage());
            }
            if (engine.replication == ReplicationState.VERIFY_S) {
                engine.replication = ReplicationState.ESTABLISHED;
            }
            engine.published();
        }, engine.executor());
        started.tick();
    }

    /** Routes resync and verify packets; false for a packet that is not theirs. */
    boolean onPacket(PeerSession session, Packet packet) {
        if (packet instanceof ResyncRequest request) {
            answer(session, request, request.id(), request.offset(), request.length());
        } else if (packet instanceof CsumResyncRequest request) {
            answer(session, request, request.id(), request.offset(), request.length());
        } else if (packet instanceof ResyncData || packet instanceof ResyncInSync || packet instanceof ResyncNegReply) {
            toTarget(packet);
        } else if (packet instanceof VerifyRequest request) {
            verifyTarget(session).onPacket(request);
        } else if (packet instanceof VerifyDone done) {
            if (verifyTarget != null) {
                verifyTarget.onPacket(done);
            }
        } else if (packet instanceof VerifyReply reply) {
            if (verifySource != null) {
                verifySource.onReply(reply);
                verifySource.tick();
            }
        } else {
            return false;
        }
        return true;
    }

    private void answer(PeerSession session, Packet request, long id, long offset, int length) {
        if (source == null || engine.disk == null) {
            session.send(new ResyncNegReply(id, offset, length, "not SyncSource"));
            return;
        }
        ResyncSource answering = source;
        engine.io.overlappingWritesDone(offset, length).whenCompleteAsync((ignored, error) -> {
            if (source != answering || engine.disk == null) {
                session.send(new ResyncNegReply(id, offset, length, "resync stopped"));
                return;
            }
            engine.disk.bitmap().clearRange(offset, length);
            answering.onRequest(request);
        }, engine.executor());
    }

    private void toTarget(Packet reply) {
        if (target == null) {
            ReferenceCountUtil.release(reply);
            return;
        }
        target.onReply(reply);
        target.tick();
    }

    private VerifyTarget verifyTarget(PeerSession session) {
        if (verifyTarget == null) {
            VerifyTarget started = new VerifyTarget(context(session), engine.options.verifyAlg().orElseThrow());
            verifyTarget = started;
            engine.replication = ReplicationState.VERIFY_T;
            started.done().whenCompleteAsync((result, error) -> {
                if (verifyTarget != started) {
                    return;
                }
                verifyTarget = null;
                if (error == null) {
                    engine.verifiedOutOfSyncBytes = result.outOfSyncBlocks() * BLOCK_BYTES;
                }
                if (engine.replication == ReplicationState.VERIFY_T) {
                    engine.replication = ReplicationState.ESTABLISHED;
                }
                engine.published();
            }, engine.executor());
            engine.published();
        }
        return verifyTarget;
    }

    /** A pause lasts one resync: a new one starts unpaused. */
    private void clearPauses() {
        engine.userPausedSync = false;
        engine.peerPausedSync = false;
    }

    /** Holds or releases the SyncTarget's requests (pause-sync on either node). */
    void paused(boolean paused) {
        if (target == null || paused == target.isPaused()) {
            return;
        }
        if (paused) {
            target.pause();
        } else {
            target.resume();
            target.tick();
        }
    }

    void tick() {
        if (target != null) {
            target.tick();
        }
        if (verifySource != null) {
            verifySource.tick();
        }
    }

    /** An application write is about to be issued locally over this range. */
    void applicationWrite(long offset, long length) {
        if (target != null) {
            target.onApplicationWrite(offset, length);
        }
        if (verifySource != null) {
            verifySource.onApplicationWrite(offset, length);
        }
    }

    /** SyncSource: the target reported every block in sync. */
    void finishSource() {
        if (source != null) {
            source.close();
            source = null;
        }
        LocalDisk disk = engine.disk;
        if (disk != null) {
            disk.bitmap().clearAll();
            disk.flushBitmap();
        }
    }

    void finishTarget() {
        target = null;
    }

    /** Link lost or disk gone: every run stops; unhandled bits stay set. */
    void abort() {
        if (target != null) {
            target.abort();
            target = null;
        }
        if (source != null) {
            source.close();
            source = null;
        }
        if (verifySource != null) {
            verifySource.abort();
            verifySource = null;
        }
        if (verifyTarget != null) {
            verifyTarget.abort();
            verifyTarget = null;
        }
    }

    Optional<SyncProgress> progress() {
        if (target != null) {
            return Optional.of(target.progress());
        }
        if (source != null && engine.disk != null) {
            long remaining = engine.disk.bitmap().outOfSyncBytes();
            return Optional.of(sourceMeter.progress(Math.max(sourceTotalBytes, remaining), remaining));
        }
        if (verifySource != null) {
            return Optional.of(verifySource.progress());
        }
        return Optional.empty();
    }
}
