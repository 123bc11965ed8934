package io.appliance.iscsi.session;

import io.appliance.iscsi.login.NegotiatedParameters;
import io.appliance.iscsi.login.SessionType;
import io.appliance.iscsi.pdu.InvalidPdu;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.Opcode;
import io.appliance.iscsi.pdu.RejectReason;
import io.appliance.iscsi.scsi.ScsiCommand;
import io.appliance.iscsi.scsi.ScsiNexusPort;
import io.appliance.iscsi.scsi.ScsiResult;
import io.appliance.iscsi.target.IscsiTarget;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One iSCSI session in full feature phase (RFC 7143 §4.2-§4.4): its command window, its tasks and
 * its connections. Every mutable field is confined to one event loop, {@link #executor()} (the
 * leading connection's); connections on other loops hand their PDUs over to it, and SCSI
 * completions come back to it. Nothing here blocks.
 */
public final class IscsiSession {

    private static final Logger LOG = LoggerFactory.getLogger(IscsiSession.class);

    private static final Map<Opcode, PduHandler<?>> HANDLERS = handlers();

    private final SessionServices services;
    private final EventExecutor executor;
    private final int tsih;
    private final long isid;
    private final String initiatorName;
    private final SessionType sessionType;
    private final Optional<IscsiTarget> target;
    private final NegotiatedParameters parameters;
    private final ScsiNexusPort port;
    private final CommandWindow<OrderedRequest> window;
    private final IntObjectMap<ScsiTask> tasks = new IntObjectHashMap<>();
    private final ArrayDeque<ScsiTask> awaitingDelivery = new ArrayDeque<>();
    private final List<IscsiConnection> connections = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private boolean closing;
    private final AtomicBoolean nexusReleased = new AtomicBoolean();

    /** Work that must wait for its CmdSN (§4.2.2.1). */
    @FunctionalInterface
    interface OrderedAction {
        void run() throws PduRejectedException;
    }

    private record OrderedRequest(IscsiConnection connection, IscsiPdu pdu, OrderedAction action, boolean retained) {
    }

    IscsiSession(SessionServices services, EventExecutor executor, int tsih, long isid, String initiatorName,
                 SessionType sessionType, Optional<IscsiTarget> target, NegotiatedParameters parameters,
                 ScsiNexusPort port, int initialCmdSn) {
        this.services = services;
        this.executor = executor;
        this.tsih = tsih;
        this.isid = isid;
        this.initiatorName = initiatorName;
        this.sessionType = sessionType;
        this.target = target;
        this.parameters = parameters;
        this.port = port;
        this.window = new CommandWindow<>(services.settings().commandWindow(), initialCmdSn, this::runOrdered);
        if (port != null) {
            port.registerTaskSetAborter(this::abortTaskSetForDeviceServer);
        }
    }

    private static Map<Opcode, PduHandler<?>> handlers() {
        Map<Opcode, PduHandler<?>> table = new EnumMap<>(Opcode.class);
        table.put(Opcode.NOP_OUT, new NopOutHandler());
        table.put(Opcode.SCSI_COMMAND, new ScsiCommandHandler());
        table.put(Opcode.SCSI_DATA_OUT, new DataOutHandler());
        table.put(Opcode.TASK_MANAGEMENT_REQUEST, new TaskManagementHandler());
        table.put(Opcode.TEXT_REQUEST, new TextRequestHandler());
        table.put(Opcode.LOGOUT_REQUEST, new LogoutHandler());
        table.put(Opcode.SNACK_REQUEST, new SnackHandler());
        table.put(Opcode.LOGIN_REQUEST, new LoginInFullFeatureHandler());
        return table;
    }

    // ---- identity (readable from any thread)

    public int tsih() {
        return tsih;
    }

    public long isid() {
        return isid;
    }

    public String initiatorName() {
        return initiatorName;
    }

    public SessionType sessionType() {
        return sessionType;
    }

    /** The target's name, or null for a discovery session. */
    public String targetName() {
        return target.map(IscsiTarget::name).orElse(null);
    }

    Optional<IscsiTarget> target() {
        return target;
    }

    /** Remote "address:port" of each connection. */
    public List<String> connectionAddresses() {
        List<String> addresses = new ArrayList<>();
        for (IscsiConnection connection : connections) {
            addresses.add(connection.remoteAddress());
        }
        return addresses;
    }

    /** Completes when the session has ended and its last connection is gone. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    EventExecutor executor() {
        return executor;
    }

    NegotiatedParameters parameters() {
        return parameters;
    }

    ScsiNexusPort port() {
        return port;
    }

    SessionServices services() {
        return services;
    }

    int expCmdSn() {
        return window.expCmdSn();
    }

    int maxCmdSn() {
        return window.maxCmdSn();
    }

    boolean discovery() {
        return sessionType == SessionType.DISCOVERY;
    }

    List<IscsiConnection> connections() {
        return connections;
    }

    // ---- running on the session's loop

    /** Runs {@code work} on the session's loop: at once when already there. */
    void execute(Runnable work) {
        if (executor.inEventLoop()) {
            work.run();
        } else {
            executor.execute(work);
        }
    }

    void attach(IscsiConnection connection) {
        connections.add(connection);
        if (closing) {
            connection.closeAfterFlush();
        }
    }

    /** Takes one decoded message of a full-feature connection; owns and releases it. */
    void receive(IscsiConnection connection, Object message) {
        if (message instanceof IscsiPdu pdu) {
            try {
                if (!closing && connection.active()) {
                    connection.noteReceived();
                    PduHandler<?> handler = HANDLERS.get(pdu.opcode());
                    process(connection, pdu, () -> {
                        if (handler == null) {
                            throw new PduRejectedException(RejectReason.COMMAND_NOT_SUPPORTED, pdu.opcode().toString());
                        }
                        handler.dispatch(this, connection, pdu);
                    });
                }
            } finally {
                pdu.release();
            }
        } else if (message instanceof InvalidPdu invalid) {
            if (!closing && connection.active()) {
                invalidPdu(connection, invalid);
            }
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    /**
     * Runs a handler step; a refusal becomes a Reject with the PDU's header (the one place where
     * {@link PduRejectedException} meets the wire), a bug closes the connection.
     */
    void process(IscsiConnection connection, IscsiPdu pdu, OrderedAction action) {
        try {
            action.run();
        } catch (PduRejectedException e) {
            LOG.debug("{}: rejecting {} ({}): {}", connection, pdu.opcode(), e.reason(), e.getMessage());
            connection.sendReject(e.reason(), pdu);
            if (e.closesConnection()) {
                connection.closeAfterFlush();
            } else {
                e.runAfterReject();
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: failure handling {}; closing the connection", connection, pdu.opcode(), e);
            connection.closeAfterFlush();
        }
    }

    private void invalidPdu(IscsiConnection connection, InvalidPdu invalid) {
        LOG.debug("{}: {}", connection, invalid);
        if (invalid.reason() == RejectReason.DATA_DIGEST_ERROR && invalid.opcode() == Opcode.SCSI_DATA_OUT) {
            ScsiTask task = tasks.get(invalid.initiatorTaskTag());
            if (task != null && task.connection() == connection) {
                // §7.8: a Data-Out with a payload digest error is rejected and its task ends with CHECK CONDITION
                task.dataDigestFailed(invalid.targetTransferTag(), invalid.finalFlag());
                connection.sendReject(invalid.reason(), invalid.header());
                dataArrived(task);
                return;
            }
        }
        connection.sendReject(invalid.reason(), invalid.header());
        if (invalid.connectionFatal()) {
            connection.closeAfterFlush();
        }
    }

    /**
     * Hands a request to {@code action} in CmdSN order (§4.2.2.1): immediate requests at once,
     * the others when ExpCmdSN reaches them; a CmdSN outside the window is silently ignored.
     */
    void inOrder(IscsiConnection connection, IscsiPdu pdu, int cmdSn, boolean immediate, OrderedAction action)
            throws PduRejectedException {
        if (immediate) {
            action.run();
            return;
        }
        if (!window.acceptable(cmdSn)) {
            LOG.debug("{}: {} CmdSN {} outside [{}, {}] or duplicate: ignored", connection, pdu.opcode(),
                    Integer.toUnsignedString(cmdSn), Integer.toUnsignedString(window.expCmdSn()),
                    Integer.toUnsignedString(window.maxCmdSn()));
            return;
        }
        boolean waits = cmdSn != window.expCmdSn();
        if (waits) {
            pdu.retain();
        }
        window.offer(cmdSn, new OrderedRequest(connection, pdu, action, waits));
    }

    /** Whether a non-immediate CmdSN would be accepted now. */
    boolean acceptableCmdSn(int cmdSn) {
        return window.acceptable(cmdSn);
    }

    /** Counts a CmdSN as received without a request (§11.5.1 ABORT TASK b; a rejected command). */
    void consumeCmdSn(int cmdSn) {
        window.markReceived(cmdSn);
    }

    private void runOrdered(OrderedRequest request) {
        try {
            if (!closing && request.connection().active()) {
                process(request.connection(), request.pdu(), request.action());
            }
        } finally {
            if (request.retained()) {
                request.pdu().release();
            }
        }
    }

    // ---- tasks

    ScsiTask task(int initiatorTaskTag) {
        return tasks.get(initiatorTaskTag);
    }

    List<ScsiTask> tasks() {
        return new ArrayList<>(tasks.values());
    }

    void register(ScsiTask task) {
        tasks.put(task.initiatorTaskTag(), task);
    }

    /** The task's CmdSN has come up: it joins the delivery queue (immediate tasks skip it). */
    void sequenced(ScsiTask task) {
        if (task.aborted()) {
            return;
        }
        task.markSequenced();
        if (task.immediate()) {
            dataArrived(task);
            return;
        }
        window.taskStarted();
        awaitingDelivery.add(task);
        deliverReady();
    }

    /** After Data-Out: solicits what is missing and starts the task once its data is complete. */
    void dataArrived(ScsiTask task) {
        if (task.aborted()) {
            return;
        }
        task.connection().solicitData(task);
        if (task.immediate() && task.sequenced() && !task.executing() && task.dataPhaseComplete()) {
            start(task);
        } else if (!task.immediate()) {
            deliverReady();
        }
    }

    /** Starts tasks in CmdSN order as long as the head of the queue has all its data. */
    private void deliverReady() {
        ScsiTask head;
        while ((head = awaitingDelivery.peek()) != null) {
            if (!head.aborted() && !head.dataPhaseComplete()) {
                return;
            }
            awaitingDelivery.poll();
            if (!head.aborted()) {
                start(head);
            }
        }
    }

    private void start(ScsiTask task) {
        ScsiResult failure = task.transportFailure();
        if (failure != null) {
            task.releaseBuffers();
            completed(task, failure, null);
            return;
        }
        task.markExecuting();
        ByteBuf dataOut = task.write() ? task.takeWriteBuffer() : null;
        ScsiCommand command = new ScsiCommand(port.nexus(), task.lun(), task.cdb(),
                Integer.toUnsignedLong(task.initiatorTaskTag()), task.attribute(),
                task.read() ? task.expectedDataTransferLength() : 0, dataOut);
        CompletableFuture<ScsiResult> execution;
        try {
            execution = port.execute(command);
        } catch (RuntimeException e) {
            execution = CompletableFuture.failedFuture(e);
        }
        execution.whenComplete((result, error) -> {
            try {
                executor.execute(() -> {
                    if (dataOut != null) {
                        dataOut.release();
                    }
                    completed(task, result, error);
                });
            } catch (RejectedExecutionException shutDown) {
                if (dataOut != null) {
                    dataOut.release();
                }
                if (result != null && result.dataIn() != null) {
                    result.dataIn().release();
                }
            }
        });
    }

    private void completed(ScsiTask task, ScsiResult result, Throwable error) {
        retire(task);
        if (task.aborted() || closing || !task.connection().active()) {
            if (result != null && result.dataIn() != null) {
                result.dataIn().release();
            }
        } else if (error != null || result == null) {
            LOG.warn("{}: SCSI layer failed task 0x{}", task.connection(),
                    Integer.toHexString(task.initiatorTaskTag()), error);
            task.connection().sendTargetFailure(task);
        } else {
            task.connection().sendResult(task, result);
        }
        task.finished().complete(null);
    }

    /** Removes a task from the session and returns its command credit. */
    private void retire(ScsiTask task) {
        if (tasks.get(task.initiatorTaskTag()) == task) {
            tasks.remove(task.initiatorTaskTag());
            if (task.sequenced() && !task.immediate()) {
                window.taskFinished();
            }
        }
    }

    /**
     * Aborts a task (§11.5.1): one not yet executing is dropped at once; one executing finishes in
     * the SCSI layer and its result is discarded. The returned future completes when it is gone.
     */
    CompletableFuture<Void> abort(ScsiTask task) {
        if (!task.aborted()) {
            task.markAborted();
            if (!task.executing()) {
                awaitingDelivery.remove(task);
                retire(task);
                task.releaseBuffers();
                task.finished().complete(null);
            }
        }
        return task.finished();
    }

    /** Aborts this session's tasks that match, returning when all of them are gone. */
    CompletableFuture<Void> abortTasks(Predicate<ScsiTask> which) {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (ScsiTask task : tasks()) {
            if (which.test(task)) {
                pending.add(abort(task));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    /**
     * The device server aborts this nexus' tasks on {@code lun} (PREEMPT AND ABORT from another
     * nexus, SPC-4 §5.13.11.2.6): like ABORT TASK SET, on the session's loop, and no status is sent
     * for them (TAS 0). Completes with their number once all are gone; with zero when the session
     * loop has shut down (its tasks went with it). Any thread.
     */
    private CompletableFuture<Integer> abortTaskSetForDeviceServer(long lun) {
        CompletableFuture<Integer> outcome = new CompletableFuture<>();
        try {
            execute(() -> {
                List<CompletableFuture<Void>> pending = new ArrayList<>();
                for (ScsiTask task : tasks()) {
                    if (task.lun() == lun) {
                        pending.add(abort(task));
                    }
                }
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                        .whenComplete((done, failure) -> outcome.complete(pending.size()));
            });
        } catch (RejectedExecutionException shutDown) {
            outcome.complete(0);
        }
        return outcome;
    }

    /** Runs {@code work} on the session loop once {@code future} completes. */
    void whenDone(CompletableFuture<?> future, Runnable work) {
        future.whenComplete((ignored, error) -> {
            try {
                execute(work);
            } catch (RejectedExecutionException shutDown) {
                LOG.debug("session {} loop shut down before a deferred step", tsih);
            }
        });
    }

    // ---- ending

    /** Sends every connection an Async Message asking for a logout within {@code seconds} (§11.9.1). */
    public void requestLogout(int seconds) {
        execute(() -> {
            for (IscsiConnection connection : connections) {
                connection.sendLogoutRequest(seconds);
            }
        });
    }

    /** Ends the session: aborts its tasks and closes its connections. Idempotent, any thread. */
    public void close() {
        execute(this::closeNow);
    }

    /**
     * Session reinstatement (RFC 7143 §6.3.5): the I_T nexus is released at once, on the calling
     * thread, so that nothing the replaced session held outlives the new login; then the session
     * is closed.
     */
    void reinstate() {
        releaseNexus();
        close();
    }

    /** SAM-5 §6.3.4 I_T nexus loss: once per session, when it ends (ERL 0 keeps nothing, Time2Retain 0). */
    private void releaseNexus() {
        if (port != null && nexusReleased.compareAndSet(false, true)) {
            try {
                port.nexusLost();
            } catch (RuntimeException e) {
                LOG.warn("{}: releasing the I_T nexus failed", this, e);
            }
        }
    }

    private void closeNow() {
        if (closing) {
            return;
        }
        closing = true;
        services.sessions().remove(this);
        window.clear(request -> {
            if (request.retained()) {
                request.pdu().release();
            }
        });
        CompletableFuture<Void> aborted = abortTasks(task -> true);
        whenDone(aborted, this::releaseNexus);
        for (IscsiConnection connection : connections) {
            connection.closeAfterFlush();
        }
        if (connections.isEmpty()) {
            terminated.complete(null);
        }
    }

    /** A connection is gone (closed or lost). At ERL 0 losing one without a logout ends the session (§7.1.5). */
    void connectionClosed(IscsiConnection connection) {
        if (!connections.remove(connection)) {
            return;
        }
        abortTasks(task -> task.connection() == connection);
        if (!closing && (connections.isEmpty() || (!connection.loggedOut() && parameters.errorRecoveryLevel() == 0))) {
            closeNow();
        }
        if (connections.isEmpty()) {
            terminated.complete(null);
        }
    }

    @Override
    public String toString() {
        return "session " + tsih + " " + initiatorName + " -> " + (target.isPresent() ? targetName() : "discovery");
    }
}
