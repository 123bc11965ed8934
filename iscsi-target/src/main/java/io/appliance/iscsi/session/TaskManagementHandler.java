package io.appliance.iscsi.session;

import io.appliance.iscsi.pdu.LunField;
import io.appliance.iscsi.pdu.RejectReason;
import io.appliance.iscsi.pdu.TaskManagementRequest;
import io.appliance.iscsi.pdu.TaskManagementResponse;
import io.appliance.iscsi.scsi.ScsiNexusPort;
import io.appliance.iscsi.scsi.ScsiNexusPort.TaskManagementResult;
import io.appliance.iscsi.target.IscsiTarget;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Task Management Function Request (RFC 7143 §11.5). Tasks are aborted in the transport first
 * (those not yet executing are dropped, executing ones finish in the SCSI layer and their status
 * is never sent); the response follows once every affected task is gone (§11.6.1), so it always
 * comes after the responses of the tasks that completed.
 */
final class TaskManagementHandler extends PduHandler<TaskManagementRequest> {

    TaskManagementHandler() {
        super(TaskManagementRequest.class);
    }

    @Override
    void handle(IscsiSession session, IscsiConnection connection, TaskManagementRequest pdu) throws PduRejectedException {
        if (session.discovery()) {
            throw new PduRejectedException(RejectReason.COMMAND_NOT_SUPPORTED, "task management in a discovery session");
        }
        session.inOrder(connection, pdu, pdu.cmdSn(), pdu.immediate(), () -> perform(session, connection, pdu));
    }

    private static void perform(IscsiSession session, IscsiConnection connection, TaskManagementRequest pdu) {
        ScsiNexusPort port = session.port();
        long lun = LunField.toLunNumber(pdu.lun());
        switch (pdu.function()) {
            case TaskManagementRequest.ABORT_TASK -> abortTask(session, connection, pdu);
            case TaskManagementRequest.ABORT_TASK_SET, TaskManagementRequest.CLEAR_TASK_SET -> {
                if (!port.hasLun(lun)) {
                    respond(session, connection, pdu, TaskManagementResponse.LUN_DOES_NOT_EXIST);
                    return;
                }
                CompletableFuture<Void> aborted = session.abortTasks(affected(pdu, task -> task.lun() == lun));
                session.whenDone(aborted, () -> respond(session, connection, pdu, TaskManagementResponse.FUNCTION_COMPLETE));
            }
            case TaskManagementRequest.LOGICAL_UNIT_RESET -> {
                if (!port.hasLun(lun)) {
                    respond(session, connection, pdu, TaskManagementResponse.LUN_DOES_NOT_EXIST);
                    return;
                }
                // SAM-5 §7.7: this nexus's tasks on the LU are aborted by the transport first
                CompletableFuture<Void> aborted = session.abortTasks(task -> task.lun() == lun);
                session.whenDone(aborted, () -> resetThenRespond(session, connection, pdu,
                        () -> port.logicalUnitReset(lun), false));
            }
            case TaskManagementRequest.TARGET_WARM_RESET, TaskManagementRequest.TARGET_COLD_RESET -> {
                boolean cold = pdu.function() == TaskManagementRequest.TARGET_COLD_RESET;
                CompletableFuture<Void> aborted = session.abortTasks(task -> true);
                session.whenDone(aborted, () -> resetThenRespond(session, connection, pdu, port::targetReset, cold));
            }
            // §11.5.1: CLEAR ACA is not offered (NACA is never accepted by this target)
            case TaskManagementRequest.CLEAR_ACA ->
                    respond(session, connection, pdu, TaskManagementResponse.FUNCTION_NOT_SUPPORTED);
            // §11.5.1: TASK REASSIGN needs ErrorRecoveryLevel 2
            case TaskManagementRequest.TASK_REASSIGN ->
                    respond(session, connection, pdu, TaskManagementResponse.REASSIGNMENT_NOT_SUPPORTED);
            default -> respond(session, connection, pdu, TaskManagementResponse.FUNCTION_REJECTED);
        }
    }

    /** §11.5.1 ABORT TASK cases (a), (b) and (c). */
    private static void abortTask(IscsiSession session, IscsiConnection connection, TaskManagementRequest pdu) {
        ScsiTask task = session.task(pdu.referencedTaskTag());
        if (task != null) {
            session.whenDone(session.abort(task),
                    () -> respond(session, connection, pdu, TaskManagementResponse.FUNCTION_COMPLETE));
        } else if (session.acceptableCmdSn(pdu.refCmdSn()) && SerialNumbers.lessThan(pdu.refCmdSn(), pdu.cmdSn())) {
            // (b) the command never arrived: its CmdSN counts as received
            session.consumeCmdSn(pdu.refCmdSn());
            respond(session, connection, pdu, TaskManagementResponse.FUNCTION_COMPLETE);
        } else {
            respond(session, connection, pdu, TaskManagementResponse.TASK_DOES_NOT_EXIST);
        }
    }

    /** ABORT/CLEAR TASK SET affect the tasks received before the request (§11.5.1, §4.2.3.3). */
    private static Predicate<ScsiTask> affected(TaskManagementRequest pdu, Predicate<ScsiTask> which) {
        return task -> which.test(task) && (task.immediate() || SerialNumbers.lessThan(task.cmdSn(), pdu.cmdSn()));
    }

    private static void resetThenRespond(IscsiSession session, IscsiConnection connection, TaskManagementRequest pdu,
                                         Supplier<CompletableFuture<TaskManagementResult>> reset,
                                         boolean cold) {
        CompletableFuture<TaskManagementResult> outcome;
        try {
            outcome = reset.get();
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<TaskManagementResult> result = outcome;
        session.whenDone(result, () -> {
            TaskManagementResult value = result.isCompletedExceptionally() ? TaskManagementResult.FUNCTION_REJECTED
                    : result.join();
            respond(session, connection, pdu, switch (value) {
                case FUNCTION_COMPLETE -> TaskManagementResponse.FUNCTION_COMPLETE;
                case LUN_DOES_NOT_EXIST -> TaskManagementResponse.LUN_DOES_NOT_EXIST;
                case FUNCTION_REJECTED -> TaskManagementResponse.FUNCTION_REJECTED;
            });
            if (cold && value == TaskManagementResult.FUNCTION_COMPLETE) {
                // §11.5.1: after a TARGET COLD RESET the target drops every connection to the target
                dropSessionsOf(session);
            }
        });
    }

    private static void dropSessionsOf(IscsiSession session) {
        Optional<String> name = session.target().map(IscsiTarget::name);
        for (IscsiSession other : session.services().sessions().all()) {
            if (other != session && name.isPresent() && name.get().equalsIgnoreCase(other.targetName())) {
                other.close();
            }
        }
        session.close();
    }

    private static void respond(IscsiSession session, IscsiConnection connection, TaskManagementRequest pdu, int response) {
        connection.send(new TaskManagementResponse(response, pdu.initiatorTaskTag(), connection.nextStatSn(),
                session.expCmdSn(), session.maxCmdSn()));
        connection.flushSoon();
    }
}
