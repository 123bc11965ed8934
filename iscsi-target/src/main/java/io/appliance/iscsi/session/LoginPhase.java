package io.appliance.iscsi.session;

import io.appliance.iscsi.login.LoginNegotiator;
import io.appliance.iscsi.login.LoginStage;
import io.appliance.iscsi.login.LoginStatus;
import io.appliance.iscsi.login.LoginStep;
import io.appliance.iscsi.login.NegotiatedParameters;
import io.appliance.iscsi.login.SessionType;
import io.appliance.iscsi.login.TextFormatException;
import io.appliance.iscsi.login.TextParameter;
import io.appliance.iscsi.login.TextParameters;
import io.appliance.iscsi.pdu.InvalidPdu;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.LoginRequest;
import io.appliance.iscsi.pdu.LoginResponse;
import io.appliance.iscsi.pdu.PduDecoder;
import io.appliance.iscsi.scsi.ItNexus;
import io.appliance.iscsi.scsi.ScsiNexusPort;
import io.appliance.iscsi.target.AccessControlEntry;
import io.appliance.iscsi.target.IscsiTarget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one connection's login phase (RFC 7143 §6): gathers Login Requests continued with the C
 * bit, lets the {@link LoginNegotiator} answer the keys, splits long answers, and at the final
 * response creates, reinstates (§6.3.5) or joins (§6.3.2) the session. Any failure is answered
 * with a Login Response carrying its status class and detail, after which the connection closes.
 * Runs on the connection's event loop.
 */
final class LoginPhase {

    private static final Logger LOG = LoggerFactory.getLogger(LoginPhase.class);

    /** Bound on the key text gathered across C-bit continuations. */
    static final int MAX_LOGIN_TEXT = 64 * 1024;
    private static final int VERSION = 0x00;
    /** §13.12: the initiator's MaxRecvDataSegmentLength is 8192 until the login ends. */
    private static final int RESPONSE_SEGMENT_LENGTH = PduDecoder.DEFAULT_MAX_DATA_SEGMENT_LENGTH;

    private final IscsiConnection connection;
    private final SessionServices services;
    private final LoginNegotiator negotiator;

    private boolean started;
    private boolean failed;
    private long isid;
    private int tsih;
    private int cid;
    private int statSn;
    private IscsiSession existing;
    private ByteBuf requestText;
    private byte[] pendingResponse;
    private int pendingOffset;
    private LoginStep pendingStep;
    private IscsiConnection replaced;

    /** A login that ends with a non-success status. */
    private static final class LoginFailure extends Exception {
        private final LoginStatus status;

        LoginFailure(LoginStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    LoginPhase(IscsiConnection connection, SessionServices services) {
        this.connection = connection;
        this.services = services;
        this.negotiator = new LoginNegotiator(services.registry(), services.settings().limits(), services.random());
    }

    /** Takes one decoded message; owns and releases it. */
    void receive(Object message) {
        try {
            if (failed) {
                return;
            }
            if (message instanceof LoginRequest request) {
                handle(request);
            } else if (message instanceof InvalidPdu invalid) {
                // §6.1: nothing but well-formed Login Requests is acceptable before full feature phase
                throw new LoginFailure(LoginStatus.INITIATOR_ERROR, invalid.toString());
            } else if (message instanceof IscsiPdu pdu) {
                throw new LoginFailure(LoginStatus.INITIATOR_ERROR, pdu.opcode() + " during login");
            }
        } catch (LoginFailure failure) {
            fail(message, failure);
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    void release() {
        if (requestText != null) {
            requestText.release();
            requestText = null;
        }
    }

    private void handle(LoginRequest request) throws LoginFailure {
        if (!started) {
            started = true;
            isid = request.isid();
            tsih = request.tsih();
            cid = request.cid();
            statSn = request.expStatSn();
            if (request.versionMin() > VERSION) {
                throw new LoginFailure(LoginStatus.UNSUPPORTED_VERSION, "version-min " + request.versionMin());
            }
            if (tsih != 0) {
                // §6.3.2: a non-zero TSIH adds a connection to a live session
                existing = services.sessions().find(tsih).orElseThrow(
                        () -> new LoginFailure(LoginStatus.SESSION_DOES_NOT_EXIST, "TSIH " + tsih));
            }
        } else if (request.isid() != isid || request.tsih() != tsih || request.cid() != cid) {
            throw new LoginFailure(LoginStatus.INITIATOR_ERROR, "ISID, TSIH or CID changed during login");
        }
        if (pendingResponse != null) {
            // §11.13.3: the initiator fetches the rest of a response we split with the C bit
            if (request.data().isReadable() || request.continueFlag()) {
                throw new LoginFailure(LoginStatus.INITIATOR_ERROR, "keys while a response is pending");
            }
            sendResponsePart(request);
            return;
        }
        appendText(request.data());
        if (request.continueFlag()) {
            // §11.12.2: the target answers a continued request with an empty response
            send(request, false, false, request.currentStage(), request.currentStage(), request.tsih(),
                    LoginStatus.SUCCESS, Unpooled.EMPTY_BUFFER);
            return;
        }
        List<TextParameter> keys = takeKeys();
        LoginStage current = stage(request.currentStage());
        LoginStage next = request.transit() ? stage(request.nextStage()) : current;
        LoginStep step = negotiator.step(current, next, request.transit(), keys, tsih == 0);
        if (!step.status().isSuccess()) {
            throw new LoginFailure(step.status(), "negotiation refused at " + current);
        }
        byte[] answer = TextParameters.encode(step.responseKeys());
        boolean finalResponse = step.transit() && step.nextStage() == LoginStage.FULL_FEATURE_PHASE;
        if (answer.length > RESPONSE_SEGMENT_LENGTH && !finalResponse) {
            pendingResponse = answer;
            pendingOffset = 0;
            pendingStep = step;
            sendResponsePart(request);
            return;
        }
        if (finalResponse) {
            complete(request, answer);
        } else {
            send(request, step.transit(), false, request.currentStage(), step.nextStage().code(), request.tsih(),
                    LoginStatus.SUCCESS, Unpooled.wrappedBuffer(answer));
        }
    }

    private void sendResponsePart(LoginRequest request) {
        int length = Math.min(RESPONSE_SEGMENT_LENGTH, pendingResponse.length - pendingOffset);
        ByteBuf part = Unpooled.wrappedBuffer(pendingResponse, pendingOffset, length);
        pendingOffset += length;
        boolean more = pendingOffset < pendingResponse.length;
        LoginStep step = pendingStep;
        if (!more) {
            pendingResponse = null;
            pendingStep = null;
        }
        send(request, !more && step.transit(), more, request.currentStage(), step.nextStage().code(), request.tsih(),
                LoginStatus.SUCCESS, part);
    }

    /** The final response: the session exists from here on (§6.3). */
    private void complete(LoginRequest request, byte[] answer) throws LoginFailure {
        NegotiatedParameters negotiated = negotiator.negotiated();
        String initiatorName = negotiator.initiatorName();
        if (initiatorName == null) {
            throw new LoginFailure(LoginStatus.MISSING_PARAMETER, "no InitiatorName");
        }
        IscsiSession session = tsih == 0 ? createSession(request, initiatorName, negotiated)
                : joinSession(initiatorName);
        // a leading login opens the command window at the login's CmdSN (§4.2.2.1); a joining
        // connection does not know the session's window here and advertises none beyond it
        send(request, true, false, request.currentStage(), LoginStage.FULL_FEATURE_PHASE.code(), session.tsih(),
                LoginStatus.SUCCESS, Unpooled.wrappedBuffer(answer), request.cmdSn(),
                tsih == 0 ? session.maxCmdSn() : request.cmdSn());
        LOG.info("{}: logged in to {} ({} session, TSIH {}, CID {}, digests {}/{})", connection,
                session.targetName() == null ? "discovery" : session.targetName(), session.sessionType(),
                session.tsih(), cid, negotiated.headerDigest(), negotiated.dataDigest());
        connection.enterFullFeature(session, cid, negotiated, statSn);
        if (replaced != null) {
            // §6.3.4 connection reinstatement: the new connection joined first, so losing the old
            // one (which counts as logged out) does not end the session
            LOG.info("{}: reinstating connection CID {}", connection, cid);
            replaced.markLoggedOut();
            replaced.closeAfterFlush();
        }
        release();
    }

    private IscsiSession createSession(LoginRequest request, String initiatorName, NegotiatedParameters negotiated)
            throws LoginFailure {
        SessionType type = negotiator.sessionType();
        Optional<IscsiTarget> target = Optional.empty();
        ScsiNexusPort port = null;
        if (type == SessionType.NORMAL) {
            target = negotiator.target();
            Optional<AccessControlEntry> access = negotiator.access();
            if (target.isEmpty() || access.isEmpty()) {
                throw new LoginFailure(LoginStatus.TARGET_ERROR, "negotiation completed without target or access");
            }
            IscsiTarget admitted = target.get();
            try {
                port = admitted.device().openNexus(new ItNexus(initiatorName, isid, admitted.name(),
                        admitted.portalGroupTag()), access.get().lunMapping());
            } catch (RuntimeException e) {
                LOG.warn("{}: opening the I_T nexus failed", connection, e);
                throw new LoginFailure(LoginStatus.TARGET_ERROR, "nexus: " + e);
            }
        }
        IscsiSession session = new IscsiSession(services, connection.executorOfChannel(), services.sessions().allocateTsih(),
                isid, initiatorName, type, target, negotiated, port, request.cmdSn());
        services.sessions().register(session).ifPresent(previous -> {
            // §6.3.5 session reinstatement: the old session of this I_T nexus ends first
            LOG.info("{}: reinstating {}", connection, previous);
            previous.reinstate();
        });
        return session;
    }

    private IscsiSession joinSession(String initiatorName) throws LoginFailure {
        IscsiSession session = existing;
        String targetName = negotiator.target().map(IscsiTarget::name).orElse(null);
        boolean sameTarget = session.targetName() == null ? targetName == null
                : session.targetName().equalsIgnoreCase(targetName);
        if (!session.initiatorName().equalsIgnoreCase(initiatorName) || session.isid() != isid || !sameTarget
                || session.terminated().isDone()) {
            throw new LoginFailure(LoginStatus.CANT_INCLUDE_IN_SESSION, "TSIH " + tsih + " belongs to another nexus");
        }
        int others = 0;
        for (IscsiConnection other : session.connections()) {
            if (other.cid() == cid) {
                replaced = other;
            } else {
                others++;
            }
        }
        if (others >= session.parameters().maxConnections()) {
            throw new LoginFailure(LoginStatus.TOO_MANY_CONNECTIONS, "MaxConnections " + session.parameters().maxConnections());
        }
        return session;
    }

    private void appendText(ByteBuf data) throws LoginFailure {
        if (!data.isReadable()) {
            return;
        }
        if (requestText == null) {
            requestText = Unpooled.buffer(data.readableBytes());
        }
        if (requestText.readableBytes() + data.readableBytes() > MAX_LOGIN_TEXT) {
            throw new LoginFailure(LoginStatus.OUT_OF_RESOURCES, "login text over " + MAX_LOGIN_TEXT + " bytes");
        }
        requestText.writeBytes(data, data.readerIndex(), data.readableBytes());
    }

    private List<TextParameter> takeKeys() throws LoginFailure {
        byte[] text = requestText == null ? new byte[0] : ByteBufUtil.getBytes(requestText);
        release();
        try {
            return TextParameters.decode(text);
        } catch (TextFormatException e) {
            throw new LoginFailure(LoginStatus.INITIATOR_ERROR, "key text: " + e.getMessage());
        }
    }

    private static LoginStage stage(int code) throws LoginFailure {
        try {
            return LoginStage.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw new LoginFailure(LoginStatus.INITIATOR_ERROR, "stage " + code);
        }
    }

    private void fail(Object message, LoginFailure failure) {
        failed = true;
        LOG.info("{}: login failed, {}: {}", connection, failure.status, failure.getMessage());
        int itt = message instanceof IscsiPdu pdu ? pdu.initiatorTaskTag() : IscsiPdu.RESERVED_TAG;
        int stage = message instanceof LoginRequest request ? request.currentStage() : 0;
        LoginResponse response = new LoginResponse(false, false, stage, 0, VERSION, VERSION, isid, 0, itt,
                statSn++, 0, 0, failure.status.statusClass(), failure.status.statusDetail(), Unpooled.EMPTY_BUFFER);
        connection.sendDuringLogin(response);
        release();
        connection.closeAfterFlush();
    }

    private void send(LoginRequest request, boolean transit, boolean continues, int currentStage, int nextStage,
                      int responseTsih, LoginStatus status, ByteBuf data) {
        int expCmdSn = request.cmdSn();
        int maxCmdSn = tsih == 0 ? expCmdSn + services.settings().commandWindow() - 1 : expCmdSn;
        send(request, transit, continues, currentStage, nextStage, responseTsih, status, data, expCmdSn, maxCmdSn);
    }

    private void send(LoginRequest request, boolean transit, boolean continues, int currentStage, int nextStage,
                      int responseTsih, LoginStatus status, ByteBuf data, int expCmdSn, int maxCmdSn) {
        connection.sendDuringLogin(new LoginResponse(transit, continues, currentStage, nextStage, VERSION, VERSION,
                isid, responseTsih, request.initiatorTaskTag(), statSn++, expCmdSn, maxCmdSn,
                status.statusClass(), status.statusDetail(), data));
    }
}
