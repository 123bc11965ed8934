package io.appliance.iscsi.session;

import io.appliance.iscsi.login.NegotiatedParameters;
import io.appliance.iscsi.pdu.AsyncMessage;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.NopIn;
import io.appliance.iscsi.pdu.PduDecoder;
import io.appliance.iscsi.pdu.PduEncoder;
import io.appliance.iscsi.pdu.ReadyToTransfer;
import io.appliance.iscsi.pdu.Reject;
import io.appliance.iscsi.pdu.RejectReason;
import io.appliance.iscsi.pdu.ScsiResponsePdu;
import io.appliance.iscsi.pdu.ResidualKind;
import io.appliance.iscsi.scsi.ScsiResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One iSCSI connection (RFC 7143 §4.3): the last handler of a channel's pipeline. It drives the
 * login phase on the channel's event loop, then hands every PDU to its {@link IscsiSession} and
 * writes what the session answers. Its full-feature state (StatSN, target transfer tags, pings,
 * the text exchange) is confined to the session's event loop.
 *
 * <p>Writes are flushed once per read batch or once per batch of SCSI completions.
 */
public final class IscsiConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(IscsiConnection.class);

    private enum Phase { LOGIN, FULL_FEATURE, CLOSED }

    private final SessionServices services;
    private final PduDecoder decoder;
    private final PduEncoder encoder;
    private final Clock clock;
    private ChannelHandlerContext ctx;
    private volatile Phase phase = Phase.LOGIN;
    private volatile boolean closing;
    private LoginPhase login;
    private ScheduledFuture<?> loginTimer;
    private Instant loginDeadline;

    private volatile IscsiSession session;
    private int cid;
    private NegotiatedParameters parameters;
    private int statSn;
    private int nextTargetTransferTag;
    private boolean flushPending;
    private boolean flushScheduled;
    private volatile boolean loggedOut;
    private TextExchange textExchange;

    private ScheduledFuture<?> pingTimer;
    private long receivedPdus;
    private long receivedAtLastTick;
    private int pingTag = IscsiPdu.RESERVED_TAG;

    IscsiConnection(SessionServices services, PduDecoder decoder, PduEncoder encoder) {
        this.services = services;
        this.decoder = decoder;
        this.encoder = encoder;
        this.clock = services.settings().clock();
    }

    /** Installs the iSCSI pipeline (decoder, encoder, connection) on a freshly accepted channel. */
    public static void initialize(Channel channel, SessionServices services) {
        int loginSegmentLimit = Math.max(PduDecoder.DEFAULT_MAX_DATA_SEGMENT_LENGTH,
                services.settings().limits().maxRecvDataSegmentLength());
        PduDecoder decoder = PduDecoder.forTarget(loginSegmentLimit);
        PduEncoder encoder = new PduEncoder();
        channel.pipeline().addLast("iscsi-decoder", decoder);
        channel.pipeline().addLast("iscsi-encoder", encoder);
        channel.pipeline().addLast("iscsi-connection", new IscsiConnection(services, decoder, encoder));
    }

    // ---- Netty events (channel loop)

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        login = new LoginPhase(this, services);
        loginDeadline = clock.instant().plus(services.settings().loginTimeout());
        scheduleLoginCheck(services.settings().loginTimeout());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        try {
            switch (phase) {
                case LOGIN -> login.receive(message);
                case FULL_FEATURE -> {
                    IscsiSession current = session;
                    if (current.executor().inEventLoop()) {
                        current.receive(this, message);
                    } else {
                        current.executor().execute(() -> current.receive(this, message));
                    }
                }
                case CLOSED -> ReferenceCountUtil.release(message);
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: failure handling a PDU; closing the connection", this, e);
            closeAfterFlush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        IscsiSession current = session;
        if (phase == Phase.FULL_FEATURE && current != null) {
            current.execute(this::flushIfPending);
        } else {
            ctx.flush();
        }
    }

    /**
     * Backpressure: while the initiator does not take what we write, stop reading its new
     * commands; tasks already running still complete and are written.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        phase = Phase.CLOSED;
        closing = true;
        if (loginTimer != null) {
            loginTimer.cancel(false);
        }
        if (login != null) {
            login.release();
            login = null;
        }
        IscsiSession current = session;
        if (current != null) {
            current.execute(() -> {
                if (pingTimer != null) {
                    pingTimer.cancel(false);
                }
                if (textExchange != null) {
                    textExchange.release();
                    textExchange = null;
                }
                current.connectionClosed(this);
            });
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("{}: {}", this, cause.toString());
        } else {
            LOG.warn("{}: unexpected failure; closing the connection", this, cause);
        }
        ctx.close();
    }

    // ---- login phase (channel loop)

    private void scheduleLoginCheck(Duration delay) {
        loginTimer = ctx.executor().schedule(this::checkLoginTimeout, Math.max(1, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    private void checkLoginTimeout() {
        if (phase != Phase.LOGIN) {
            return;
        }
        Instant now = clock.instant();
        if (now.isBefore(loginDeadline)) {
            scheduleLoginCheck(Duration.between(now, loginDeadline));
            return;
        }
        LOG.info("{}: login not completed within {}; closing", this, services.settings().loginTimeout());
        ctx.close();
    }

    /** Writes during login, flushed at the end of the read batch. */
    void sendDuringLogin(IscsiPdu pdu) {
        ctx.write(pdu, ctx.voidPromise());
    }

    EventExecutor executorOfChannel() {
        return ctx.channel().eventLoop();
    }

    /**
     * The final Login Response has been written: switches digests and limits for the next PDU
     * (RFC 7143 §13.1) and joins the session.
     */
    void enterFullFeature(IscsiSession joined, int connectionId, NegotiatedParameters negotiated, int nextStatSn) {
        this.session = joined;
        this.cid = connectionId;
        this.parameters = negotiated;
        this.statSn = nextStatSn;
        decoder.digests(negotiated.headerDigest(), negotiated.dataDigest());
        decoder.maxDataSegmentLength(negotiated.targetMaxRecvDataSegmentLength());
        encoder.digests(negotiated.headerDigest(), negotiated.dataDigest());
        ctx.flush();
        phase = Phase.FULL_FEATURE;
        login = null;
        if (loginTimer != null) {
            loginTimer.cancel(false);
        }
        joined.execute(() -> {
            joined.attach(this);
            startPings();
        });
    }

    // ---- full feature phase (session loop)

    boolean active() {
        return !closing && phase == Phase.FULL_FEATURE;
    }

    IscsiSession session() {
        return session;
    }

    int cid() {
        return cid;
    }

    NegotiatedParameters parameters() {
        return parameters;
    }

    boolean loggedOut() {
        return loggedOut;
    }

    void markLoggedOut() {
        loggedOut = true;
    }

    void noteReceived() {
        receivedPdus++;
    }

    /** Consumes the next StatSN (responses that carry status, §4.2.2.2). */
    int nextStatSn() {
        return statSn++;
    }

    /** The next StatSN without consuming it (R2T, target NOP-In, Data-In without status). */
    int currentStatSn() {
        return statSn;
    }

    /** A target transfer tag unique on this connection, never 0xffffffff (§11.8.2). */
    int nextTargetTransferTag() {
        int tag = nextTargetTransferTag++;
        if (tag == IscsiPdu.RESERVED_TAG) {
            tag = nextTargetTransferTag++;
        }
        return tag;
    }

    TextExchange textExchange() {
        return textExchange;
    }

    void textExchange(TextExchange exchange) {
        if (textExchange != null && textExchange != exchange) {
            textExchange.release();
        }
        textExchange = exchange;
    }

    /** The gather buffer of a write (pooled, direct), exactly {@code length} bytes. */
    ByteBuf allocateWriteBuffer(int length) {
        return ctx.alloc().directBuffer(length, length);
    }

    void send(IscsiPdu pdu) {
        if (!active()) {
            pdu.release();
            return;
        }
        ctx.write(pdu, ctx.voidPromise());
        flushPending = true;
    }

    void flushIfPending() {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    /** Flushes once after the work already queued on the session loop (coalesces completions). */
    void flushSoon() {
        if (!flushScheduled) {
            flushScheduled = true;
            session.executor().execute(() -> {
                flushScheduled = false;
                flushIfPending();
            });
        }
    }

    void sendReject(RejectReason reason, IscsiPdu rejected) {
        ByteBuf header = Unpooled.buffer(64);
        rejected.encodeHeader(header);
        byte[] bhs = new byte[48];
        header.getBytes(0, bhs);
        header.release();
        sendReject(reason, bhs);
    }

    void sendReject(RejectReason reason, byte[] rejectedHeader) {
        IscsiSession current = session;
        send(new Reject(reason, nextStatSn(), current.expCmdSn(), current.maxCmdSn(), 0,
                Unpooled.wrappedBuffer(rejectedHeader)));
    }

    /** Sends R2Ts while the task wants data and MaxOutstandingR2T allows (§11.8). */
    void solicitData(ScsiTask task) {
        IscsiSession current = session;
        NegotiatedParameters sessionParameters = current.parameters();
        while (task.wantsR2t(sessionParameters.maxOutstandingR2T())) {
            ScsiTask.SolicitedSequence sequence = task.nextR2t(nextTargetTransferTag(), sessionParameters.maxBurstLength());
            send(new ReadyToTransfer(task.lunField(), task.initiatorTaskTag(), sequence.targetTransferTag,
                    currentStatSn(), current.expCmdSn(), current.maxCmdSn(), sequence.r2tSn, sequence.offset,
                    sequence.length));
        }
    }

    void sendResult(ScsiTask task, ScsiResult result) {
        ResultSender.send(this, session, task, result);
        flushSoon();
    }

    /** §11.4.3: the SCSI layer could not produce a status ("target failure"). */
    void sendTargetFailure(ScsiTask task) {
        IscsiSession current = session;
        send(new ScsiResponsePdu(ResidualKind.NONE, ScsiResponsePdu.RESPONSE_TARGET_FAILURE, 0,
                task.initiatorTaskTag(), 0, nextStatSn(), current.expCmdSn(), current.maxCmdSn(),
                task.r2tCount() + task.dataInPdus(), 0, Unpooled.EMPTY_BUFFER));
        flushSoon();
    }

    /** §11.9.1 AsyncEvent 1: the target asks for a logout within {@code seconds}. */
    void sendLogoutRequest(int seconds) {
        IscsiSession current = session;
        send(new AsyncMessage(0, nextStatSn(), current.expCmdSn(), current.maxCmdSn(),
                AsyncMessage.EVENT_LOGOUT_REQUESTED, 0, 0, 0, Math.min(seconds, 0xFFFF), Unpooled.EMPTY_BUFFER));
        flushSoon();
    }

    /** Closes once everything written so far has reached the socket. Any thread, idempotent. */
    void closeAfterFlush() {
        closing = true;
        Channel channel = ctx.channel();
        if (channel.isActive()) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    // ---- NOP-In pings (session loop)

    private void startPings() {
        SessionSettings settings = services.settings();
        if (!settings.pingsEnabled() || !active()) {
            return;
        }
        long interval = settings.nopInInterval().toNanos();
        pingTimer = session.executor().scheduleWithFixedDelay(this::pingIfIdle, interval, interval, TimeUnit.NANOSECONDS);
    }

    /** §11.19: an idle connection gets a NOP-In with a fresh TTT; the initiator must answer it. */
    private void pingIfIdle() {
        if (!active() || pingTag != IscsiPdu.RESERVED_TAG) {
            return;
        }
        if (receivedPdus != receivedAtLastTick) {
            receivedAtLastTick = receivedPdus;
            return;
        }
        IscsiSession current = session;
        pingTag = nextTargetTransferTag();
        long receivedAtPing = receivedPdus;
        Instant deadline = clock.instant().plus(services.settings().nopInTimeout());
        send(new NopIn(0, IscsiPdu.RESERVED_TAG, pingTag, currentStatSn(), current.expCmdSn(), current.maxCmdSn(),
                Unpooled.EMPTY_BUFFER));
        flushSoon();
        schedulePingCheck(services.settings().nopInTimeout(), receivedAtPing, deadline);
    }

    private void schedulePingCheck(Duration delay, long receivedAtPing, Instant deadline) {
        session.executor().schedule(() -> checkPing(receivedAtPing, deadline), Math.max(1, delay.toNanos()),
                TimeUnit.NANOSECONDS);
    }

    private void checkPing(long receivedAtPing, Instant deadline) {
        if (!active() || pingTag == IscsiPdu.RESERVED_TAG) {
            return;
        }
        if (receivedPdus != receivedAtPing) {
            pingTag = IscsiPdu.RESERVED_TAG;
            receivedAtLastTick = receivedPdus;
            return;
        }
        Instant now = clock.instant();
        if (now.isBefore(deadline)) {
            schedulePingCheck(Duration.between(now, deadline), receivedAtPing, deadline);
            return;
        }
        LOG.info("{}: NOP-In unanswered for {}; dropping the connection", this, services.settings().nopInTimeout());
        closing = true;
        ctx.close();
    }

    /** A NOP-Out with ITT 0xffffffff answering our ping (§11.18.2). */
    void pingAnswered(int targetTransferTag) {
        if (targetTransferTag == pingTag) {
            pingTag = IscsiPdu.RESERVED_TAG;
        }
    }

    // ---- addresses

    String remoteAddress() {
        return format(ctx == null ? null : ctx.channel().remoteAddress());
    }

    String localAddress() {
        return format(ctx == null ? null : ctx.channel().localAddress());
    }

    private static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @Override
    public String toString() {
        return "iSCSI connection " + remoteAddress() + (phase == Phase.LOGIN ? " (login)" : " cid " + cid);
    }
}
