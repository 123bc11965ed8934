package io.appliance.replication.engine;

import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.replication.meta.OutOfSyncBitmap;
import io.appliance.replication.meta.Superblock;
import io.appliance.replication.state.ConnectionState;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.DiskView;
import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import io.appliance.replication.state.SyncDecision;
import io.appliance.replication.state.SyncHandshake;
import io.appliance.replication.wire.AuthChallenge;
import io.appliance.replication.wire.AuthResponse;
import io.appliance.replication.wire.AuthenticationException;
import io.appliance.replication.wire.BitmapChunk;
import io.appliance.replication.wire.BitmapDone;
import io.appliance.replication.wire.Data;
import io.appliance.replication.wire.Discard;
import io.appliance.replication.wire.Flush;
import io.appliance.replication.wire.FlushAck;
import io.appliance.replication.wire.HandshakeRules;
import io.appliance.replication.wire.Hello;
import io.appliance.replication.wire.NegAck;
import io.appliance.replication.wire.NegReadReply;
import io.appliance.replication.wire.Packet;
import io.appliance.replication.wire.Params;
import io.appliance.replication.wire.PeerAuthenticator;
import io.appliance.replication.wire.PeerMessage;
import io.appliance.replication.wire.PeerMessageReply;
import io.appliance.replication.wire.ReadReply;
import io.appliance.replication.wire.ReadRequest;
import io.appliance.replication.wire.RecvAck;
import io.appliance.replication.wire.RefusalReason;
import io.appliance.replication.wire.Refused;
import io.appliance.replication.wire.ResyncFinished;
import io.appliance.replication.wire.Sizes;
import io.appliance.replication.wire.State;
import io.appliance.replication.wire.SyncStart;
import io.appliance.replication.wire.Uuids;
import io.appliance.replication.wire.WireFormat;
import io.appliance.replication.wire.WriteAck;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the packets of one connection: the handshake (Hello, CRAM-HMAC, Params, Sizes, Uuids,
 * State, the sync decision, the bitmap exchange) and then the established phase (data path,
 * resync/verify, state changes). State executor only.
 */
final class PeerProtocol {
    private static final Logger log = LoggerFactory.getLogger(PeerProtocol.class);
    private static final int MIN_VERSION = WireFormat.MIN_PROTOCOL_VERSION;
    private static final int MAX_VERSION = WireFormat.PROTOCOL_VERSION;
    private static final int BITMAP_WORDS_PER_CHUNK = 8192;

    private final ResourceEngine engine;

    PeerProtocol(ResourceEngine engine) {
        this.engine = engine;
    }

    void start(PeerSession session) {
        if (session.outbound) {
            session.send(hello());
        }
    }

    private Hello hello() {
        long epoch = engine.disk == null ? 0 : engine.disk.superblock().epoch();
        return new Hello(MIN_VERSION, MAX_VERSION, engine.name(), engine.nodeName, epoch);
    }

    void onPacket(PeerSession session, Packet packet) {
        if (packet instanceof Refused refused) {
            onRefused(refused);
            return;
        }
        switch (session.phase) {
            case HELLO -> onHelloPhase(session, packet);
            case AUTH, PARAMS -> onNegotiation(session, packet);
            case BITMAP, ESTABLISHED -> onEstablished(session, packet);
            case CLOSED -> ReferenceCountUtil.release(packet);
        }
    }

    private void onRefused(Refused refused) {
        String problem = "peer refused the connection: " + refused.reason() + ": " + refused.message();
        if (refused.reason() == RefusalReason.BUSY) {
            engine.problem(problem);
            PeerSession current = engine.session;
            if (current != null) {
                current.close();
            }
        } else {
            engine.goStandAlone(problem);
        }
    }

    /** Refuses the peer and goes StandAlone: this needs the admin (DRBD drops the connection likewise). */
    private void refuse(PeerSession session, Refused refused) {
        log.warn("{}: refusing {}: {} {}", engine.name(), session.peerName(), refused.reason(), refused.message());
        session.sendAndClose(refused);
        engine.goStandAlone(refused.reason() + ": " + refused.message());
    }

    private void protocolError(PeerSession session, Packet packet) {
        ReferenceCountUtil.release(packet);
        log.warn("{}: unexpected {} in phase {}; closing", engine.name(), packet.command(), session.phase);
        engine.problem("protocol error: unexpected " + packet.command() + " in phase " + session.phase);
        session.close();
    }

    // ---------------------------------------------------------------- hello and authentication

    private void onHelloPhase(PeerSession session, Packet packet) {
        if (!(packet instanceof Hello hello)) {
            protocolError(session, packet);
            return;
        }
        Optional<Refused> refusal = HandshakeRules.checkHello(engine.name(), MIN_VERSION, MAX_VERSION, hello);
        if (refusal.isEmpty() && !hello.nodeName().equals(engine.peer.name())) {
            refusal = Optional.of(new Refused(RefusalReason.WRONG_RESOURCE, "resource " + engine.name() + " on "
                    + engine.nodeName + " expects peer '" + engine.peer.name() + "', not '" + hello.nodeName() + "'"));
        }
        if (refusal.isPresent()) {
            refuse(session, refusal.get());
            return;
        }
        session.peerHello = hello;
        // a version-1 peer (no application messages) still replicates; sendToPeer refuses to send it any
        session.protocolVersion = HandshakeRules.agreedVersion(MIN_VERSION, MAX_VERSION, hello);
        if (!session.outbound) {
            session.send(hello());
        }
        session.phase = PeerSession.Phase.AUTH;
        Optional<String> secret = engine.options.sharedSecret();
        if (secret.isPresent() && engine.options.cramHmacAlg().isPresent()) {
            session.authenticator = new PeerAuthenticator(engine.options.cramHmacAlg().get(),
                    secret.get().getBytes(StandardCharsets.UTF_8), engine.env.random());
            session.send(new AuthChallenge(session.authenticator.newChallenge()));
        } else {
            sendBundle(session);
        }
    }

    private void onNegotiation(PeerSession session, Packet packet) {
        if (packet instanceof AuthChallenge challenge) {
            onChallenge(session, challenge);
        } else if (packet instanceof AuthResponse response) {
            onResponse(session, response);
        } else if (packet instanceof Params params) {
            if (session.authenticator != null && !session.peerAuthenticated) {
                refuse(session, new Refused(RefusalReason.AUTH_REQUIRED, "peer did not authenticate:"
                        + " a shared-secret is configured for " + engine.name() + " on " + engine.nodeName));
                return;
            }
            Optional<Refused> refusal = HandshakeRules.checkParams(localParams(), params);
            if (refusal.isPresent()) {
                refuse(session, refusal.get());
                return;
            }
            session.peerParams = params;
        } else if (packet instanceof Sizes sizes) {
            session.peerSizes = sizes;
        } else if (packet instanceof Uuids uuids) {
            session.peerUuids = uuids;
        } else if (packet instanceof State state) {
            if (session.peerParams == null || session.peerSizes == null || session.peerUuids == null) {
                protocolError(session, packet);
                return;
            }
            // while our bundle waits, a newer State (say, a role change) replaces the first one
            session.peerState = state;
            if (session.bundleSent) {
                decide(session);
            }
        } else {
            protocolError(session, packet);
        }
    }

    private void onChallenge(PeerSession session, AuthChallenge challenge) {
        if (session.authenticator == null) {
            // no secret here: the peer will refuse us with AUTH_REQUIRED when our Params arrive
            return;
        }
        try {
            session.send(new AuthResponse(session.authenticator.respond(challenge.challenge())));
        } catch (AuthenticationException e) {
            refuse(session, new Refused(RefusalReason.AUTH_FAILED, "Authentication of peer failed: " + e.getMessage()));
            return;
        }
        session.answeredChallenge = true;
        maybeSendBundle(session);
    }

    private void onResponse(PeerSession session, AuthResponse response) {
        if (session.authenticator == null) {
            return;
        }
        if (!session.authenticator.verify(response.response())) {
            refuse(session, new Refused(RefusalReason.AUTH_FAILED,
                    "Authentication of peer failed (wrong shared-secret for " + engine.name() + "?)"));
            return;
        }
        session.peerAuthenticated = true;
        log.info("{}: peer {} authenticated ({})", engine.name(), session.peerName(),
                session.authenticator.algorithm().drbdName());
        maybeSendBundle(session);
    }

    private void maybeSendBundle(PeerSession session) {
        if (session.answeredChallenge && session.peerAuthenticated && !session.bundleRequested) {
            sendBundle(session);
        }
    }

    /**
     * Params, Sizes, Uuids and State, once every metadata update queued so far is durable: a Primary
     * that has just lost its peer is still writing its new current UUID, and a handshake on the old
     * one would find the same generation on both sides (rule 40) and skip the resync of the blocks
     * written since. The peer's State may arrive meanwhile; the decision waits for the bundle.
     */
    private void sendBundle(PeerSession session) {
        session.bundleRequested = true;
        session.phase = PeerSession.Phase.PARAMS;
        LocalDisk disk = engine.disk;
        CompletableFuture<Void> settled = disk == null ? CompletableFuture.completedFuture(null) : disk.metadataSettled();
        // a failed barrier means the disk was detached meanwhile: the bundle then says so
        settled.whenCompleteAsync((ignored, detached) -> bundleReady(session), engine.executor());
    }

    private void bundleReady(PeerSession session) {
        if (session.phase == PeerSession.Phase.CLOSED || engine.session != session) {
            return;
        }
        session.bundleSent = true;
        session.send(localParams());
        session.send(localSizes());
        session.send(engine.uuidsPacket());
        session.send(engine.statePacket());
        if (session.peerState != null) {
            decide(session);
        }
    }

    private Params localParams() {
        return new Params(engine.options.protocol(), engine.options.afterSb0Pri(), engine.options.afterSb1Pri(),
                engine.options.afterSb2Pri(), engine.options.verifyAlg().map(DigestAlgorithm::drbdName).orElse(""),
                engine.options.csumsAlg().map(DigestAlgorithm::drbdName).orElse(""),
                engine.options.allowTwoPrimaries());
    }

    Sizes localSizes() {
        if (engine.disk == null) {
            return new Sizes(0, 0, 512);
        }
        Superblock sb = engine.disk.superblock();
        return new Sizes(engine.disk.dataBytes(), sb.lastAgreedBytes(), 512);
    }

    // ---------------------------------------------------------------- decision

    private void decide(PeerSession session) {
        State peerState = session.peerState;
        LocalDisk disk = engine.disk;
        Optional<Refused> refusal = Optional.empty();
        if (disk != null && session.peerSizes.dataBytes() > 0) {
            refusal = HandshakeRules.checkSizes(localSizes(), engine.diskState == DiskState.UP_TO_DATE,
                    session.peerSizes, peerState.disk() == DiskState.UP_TO_DATE);
        }
        if (refusal.isPresent()) {
            refuse(session, refusal.get());
            return;
        }
        long highestEpoch = disk == null ? 0 : Math.max(disk.superblock().epoch(), disk.superblock().peerEpoch());
        Optional<Refused> staleEpoch = HandshakeRules.checkEpoch(highestEpoch, peerState);
        engine.peerRole = peerState.role();
        engine.peerDisk = peerState.disk();
        if (disk == null || peerState.disk() == DiskState.DISKLESS) {
            if (staleEpoch.isPresent()) {
                refuse(session, staleEpoch.get());
                return;
            }
            establish(session, ReplicationState.ESTABLISHED);
            log.info("{}: connected to {} without {} disk", engine.name(), session.peerName(),
                    disk == null ? "a local" : "the peer's");
            return;
        }
        DiskView self = new DiskView(disk.superblock().ids(), engine.diskState, engine.role,
                disk.superblock().flags().crashedPrimary(), disk.bitmap().cardinality(), engine.discardMyData,
                engine.nodeName);
        Uuids peerUuids = session.peerUuids;
        DiskView peerView = new DiskView(peerUuids.ids(), peerState.disk(), peerState.role(), peerUuids.crashedPrimary(),
                peerUuids.outOfSyncBlocks(), peerUuids.discardMyData(), session.peerName());
        SyncDecision decision = new SyncHandshake(engine.options).decide(self, peerView);
        session.decision = decision;
        log.info("{}: uuid_compare() by rule {}: {}", engine.name(), decision.rule(), decision.explanation());
        // A Primary older than a promotion seen here (its epoch is lower) is a stale primary. When the
        // generation ids show the split brain that this nearly always is, the split-brain handling
        // decides (after-sb policy, --discard-my-data, or StandAlone) and the message names the stale
        // side; a stale Primary the ids do not reveal is refused outright (STALE_EPOCH).
        boolean splitBrainSeen = decision instanceof SyncDecision.SplitBrain || decision.explanation().contains("Split-Brain");
        if (staleEpoch.isPresent() && !splitBrainSeen) {
            refuse(session, staleEpoch.get());
            return;
        }
        String staleNote = staleEpoch.map(stale -> "the peer is a stale primary (" + stale.message() + "); ").orElse("");
        long agreed = Math.min(disk.dataBytes(), session.peerSizes.dataBytes());
        long peerEpoch = peerState.epoch();
        if (decision instanceof SyncDecision.SplitBrain splitBrain) {
            refuse(session, new Refused(RefusalReason.SPLIT_BRAIN,
                    staleNote + splitBrain.explanation()));
        } else if (decision instanceof SyncDecision.UnrelatedData unrelated) {
            refuse(session, new Refused(RefusalReason.UNRELATED_DATA, "Unrelated data, aborting: "
                    + unrelated.explanation()));
        } else if (decision instanceof SyncDecision.PrimaryConflict conflict) {
            refuse(session, new Refused(RefusalReason.PRIMARY_CONFLICT, conflict.explanation()));
        } else if (decision instanceof SyncDecision.BecomeSyncSource source) {
            startBitmapExchange(session, source.fullSync(), agreed, peerEpoch);
        } else if (decision instanceof SyncDecision.BecomeSyncTarget target) {
            startBitmapExchange(session, target.fullSync(), agreed, peerEpoch);
        } else {
            if (engine.role == Role.PRIMARY && peerState.role() == Role.PRIMARY && !engine.options.allowTwoPrimaries()) {
                refuse(session, new Refused(RefusalReason.PRIMARY_CONFLICT,
                        "both nodes are Primary and allow-two-primaries is off"));
                return;
            }
            persistAfterHandshake(agreed, peerEpoch, true);
            boolean sameData = GenerationIds.generation(self.ids().current())
                    == GenerationIds.generation(peerView.ids().current());
            // Same generation on both sides: the data is identical, so both are UpToDate unless both were
            // Outdated (then nobody vouches for it being the newest: DRBD keeps them Outdated until --force).
            boolean bothOutdated = engine.diskState == DiskState.OUTDATED && peerState.disk() == DiskState.OUTDATED;
            if (sameData && consistent(engine.diskState) && consistent(peerState.disk()) && !bothOutdated) {
                engine.diskState = DiskState.UP_TO_DATE;
                engine.peerDisk = DiskState.UP_TO_DATE;
                engine.persistFlags(flags -> flags.withConsistent(true).withWasUpToDate(true));
            }
            establish(session, ReplicationState.ESTABLISHED);
        }
    }

    private static boolean consistent(DiskState state) {
        return state == DiskState.UP_TO_DATE || state == DiskState.CONSISTENT || state == DiskState.OUTDATED;
    }

    private void persistAfterHandshake(long agreedBytes, long peerEpoch, boolean clearBitmapUuid) {
        engine.discardMyData = false;
        engine.lastProblem = null;
        engine.disk.updateSuperblock(sb -> {
            long epoch = Math.max(sb.epoch(), peerEpoch);
            Superblock next = sb.withEpoch(epoch).withPeerEpoch(Math.max(sb.peerEpoch(), peerEpoch))
                    .withLastAgreedBytes(agreedBytes).withFlags(sb.flags().withConnectedIndicator(true));
            if (clearBitmapUuid && engine.disk.bitmap().cardinality() == 0) {
                next = next.withIds(sb.ids().clearBitmapUuid());
            }
            return next;
        });
    }

    private void establish(PeerSession session, ReplicationState state) {
        session.phase = PeerSession.Phase.ESTABLISHED;
        engine.connection = ConnectionState.CONNECTED;
        engine.replication = state;
        engine.lastProblem = null;
        engine.discardMyData = false;
        log.info("{}: Connected to {}: role {} peer-role {} disk {} peer-disk {}", engine.name(), session.peerName(),
                engine.role.drbdName(), engine.peerRole.drbdName(), engine.diskState.drbdName(),
                engine.peerDisk.drbdName());
        engine.published();
    }

    private void startBitmapExchange(PeerSession session, boolean fullSync, long agreed, long peerEpoch) {
        persistAfterHandshake(agreed, peerEpoch, false);
        session.phase = PeerSession.Phase.BITMAP;
        OutOfSyncBitmap bitmap = engine.disk.bitmap();
        if (fullSync) {
            bitmap.setAll();
        }
        sendBitmap(session, bitmap);
        engine.published();
    }

    private static void sendBitmap(PeerSession session, OutOfSyncBitmap bitmap) {
        int words = bitmap.wordCount();
        for (int first = 0; first < words; first += BITMAP_WORDS_PER_CHUNK) {
            int count = Math.min(BITMAP_WORDS_PER_CHUNK, words - first);
            session.send(new BitmapChunk(first, bitmap.words(first, count)));
        }
        session.send(new BitmapDone());
    }

    private void onBitmapDone(PeerSession session) {
        session.peerBitmapDone = true;
        engine.disk.flushBitmap();
        if (session.decision instanceof SyncDecision.BecomeSyncSource source) {
            session.phase = PeerSession.Phase.ESTABLISHED;
            engine.connection = ConnectionState.CONNECTED;
            session.send(new SyncStart(true, source.fullSync()));
            engine.sync.startSource(session);
            log.info("{}: Began resync as SyncSource ({} KiB, {} sync)", engine.name(),
                    engine.disk.bitmap().outOfSyncBytes() / 1024, source.fullSync() ? "full" : "bitmap");
            engine.published();
        }
    }

    // ---------------------------------------------------------------- established

    private void onEstablished(PeerSession session, Packet packet) {
        if (packet instanceof Data data) {
            engine.io.onData(session, data);
        } else if (packet instanceof Discard discard) {
            engine.io.onDiscard(session, discard);
        } else if (packet instanceof Flush flush) {
            engine.io.onFlush(session, flush);
        } else if (packet instanceof RecvAck ack) {
            engine.io.onRecvAck(ack);
        } else if (packet instanceof WriteAck ack) {
            engine.io.onWriteAck(ack.sequence());
        } else if (packet instanceof FlushAck ack) {
            engine.io.onWriteAck(ack.sequence());
        } else if (packet instanceof NegAck ack) {
            engine.io.onNegAck(ack);
        } else if (packet instanceof ReadRequest request) {
            engine.io.onReadRequest(session, request);
        } else if (packet instanceof ReadReply reply) {
            engine.io.onReadReply(reply);
        } else if (packet instanceof NegReadReply reply) {
            engine.io.onNegReadReply(reply);
        } else if (packet instanceof PeerMessage message) {
            engine.messages.onMessage(session, message);
        } else if (packet instanceof PeerMessageReply reply) {
            engine.messages.onReply(reply);
        } else if (packet instanceof BitmapChunk chunk) {
            if (engine.disk != null) {
                engine.disk.bitmap().orWords((int) chunk.firstWord(), chunk.words());
            }
        } else if (packet instanceof BitmapDone) {
            onBitmapDone(session);
        } else if (packet instanceof SyncStart start) {
            onSyncStart(session, start);
        } else if (packet instanceof ResyncFinished finished) {
            onResyncFinished(session, finished);
        } else if (packet instanceof State state) {
            onPeerState(state);
        } else if (packet instanceof Uuids uuids) {
            session.peerUuids = uuids;
        } else if (packet instanceof Sizes sizes) {
            if (session.phase != PeerSession.Phase.ESTABLISHED) {
                protocolError(session, packet);
                return;
            }
            engine.resizer.onSizes(session, sizes);
        } else if (!engine.sync.onPacket(session, packet)) {
            protocolError(session, packet);
        }
    }

    private void onPeerState(State state) {
        Role previousRole = engine.peerRole;
        DiskState previousDisk = engine.peerDisk;
        engine.peerRole = state.role();
        engine.peerDisk = state.disk();
        boolean peerPaused = state.replication() == ReplicationState.PAUSED_SYNC_S
                || state.replication() == ReplicationState.PAUSED_SYNC_T;
        if (peerPaused != engine.peerPausedSync) {
            engine.peerPausedSync = peerPaused;
            log.info("{}: resync {} by {}", engine.name(), peerPaused ? "paused" : "resumed", engine.peer.name());
            engine.pauseChanged();
        }
        LocalDisk disk = engine.disk;
        if (disk != null && state.epoch() > disk.superblock().peerEpoch()) {
            disk.updateSuperblock(sb -> sb.withPeerEpoch(Math.max(sb.peerEpoch(), state.epoch())));
        }
        if (previousRole != state.role() || previousDisk != state.disk()) {
            log.info("{}: peer {} is now {} / {}", engine.name(), engine.peer.name(), state.role().drbdName(),
                    state.disk().drbdName());
        }
        engine.published();
    }

    private void onSyncStart(PeerSession session, SyncStart start) {
        if (engine.disk == null) {
            protocolError(session, start);
            return;
        }
        session.phase = PeerSession.Phase.ESTABLISHED;
        engine.connection = ConnectionState.CONNECTED;
        if (start.fullSync()) {
            engine.disk.bitmap().setAll();
        }
        if (start.senderIsSource()) {
            engine.sync.startTarget(session);
            log.info("{}: Began resync as SyncTarget ({} KiB, {} sync)", engine.name(),
                    engine.disk.bitmap().outOfSyncBytes() / 1024, start.fullSync() ? "full" : "bitmap");
        } else {
            session.send(new SyncStart(true, start.fullSync()));
            engine.sync.startSource(session);
            log.info("{}: peer invalidated its disk: Began resync as SyncSource", engine.name());
        }
        engine.published();
    }

    private void onResyncFinished(PeerSession session, ResyncFinished finished) {
        LocalDisk disk = engine.disk;
        if (disk == null) {
            return;
        }
        if (engine.replication == ReplicationState.SYNC_SOURCE || engine.replication == ReplicationState.PAUSED_SYNC_S) {
            engine.sync.finishSource();
            disk.updateSuperblock(sb -> sb.withIds(sb.ids().clearBitmapUuid())
                    .withFlags(sb.flags().withPeerOutdated(false).withCrashedPrimary(false)))
                    .thenAcceptAsync(sb -> {
                        session.send(new ResyncFinished(sb.ids()));
                        engine.replication = ReplicationState.ESTABLISHED;
                        engine.peerDisk = DiskState.UP_TO_DATE;
                        log.info("{}: Resync done (SyncSource); peer {} UpToDate", engine.name(), engine.peer.name());
                        engine.published();
                    }, engine.executor());
        } else if (engine.replication == ReplicationState.SYNC_TARGET
                || engine.replication == ReplicationState.PAUSED_SYNC_T) {
            disk.bitmap().clearAll();
            disk.flushBitmap();
            disk.updateSuperblock(sb -> sb.withIds(sb.ids().adoptFrom(finished.sourceIds()).clearBitmapUuid())
                    .withFlags(sb.flags().withConsistent(true).withWasUpToDate(true).withCrashedPrimary(false)))
                    .thenAcceptAsync(sb -> {
                        engine.sync.finishTarget();
                        engine.replication = ReplicationState.ESTABLISHED;
                        engine.diskState = DiskState.UP_TO_DATE;
                        engine.sendState();
                        log.info("{}: Resync done (SyncTarget); disk UpToDate, uuids {}", engine.name(), sb.ids());
                        engine.published();
                    }, engine.executor());
        } else if (disk.superblock().ids().isJustCreated() && engine.diskState == DiskState.INCONSISTENT) {
            long adopted = GenerationIds.generation(finished.sourceIds().current());
            engine.skipInitialSync(adopted).thenAcceptAsync(sb -> {
                engine.peerDisk = DiskState.UP_TO_DATE;
                engine.sendState();
                log.info("{}: peer skipped the initial sync: adopted current UUID {}", engine.name(),
                        GenerationIds.hex(adopted));
                engine.published();
            }, engine.executor());
        } else {
            log.warn("{}: ignoring ResyncFinished outside a resync (uuids {})", engine.name(), finished.sourceIds());
        }
    }

    /** SyncTarget side: every block arrived; tell the source, which answers with its generation ids. */
    void targetDone(PeerSession session) {
        if (engine.session == session && engine.disk != null) {
            session.send(new ResyncFinished(engine.disk.superblock().ids()));
        }
    }
}
