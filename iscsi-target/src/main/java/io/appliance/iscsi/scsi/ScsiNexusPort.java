package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * The SCSI target device as one I_T nexus sees it: the logical units mapped for that initiator
 * (REPORT LUNS lists exactly those; LUN 0 always answers, SPC-4 §6.33), their unit attentions for
 * this nexus, and the task management functions the transport forwards.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #execute} never throws and its future never completes exceptionally: every failure
 *       (unknown LUN, bad CDB, I/O error, reservation conflict) is a {@link ScsiResult} with the
 *       right status and sense. It may complete on any thread.
 *   <li>Commands are delivered in the order the transport must deliver them (iSCSI: CmdSN order);
 *       SIMPLE tasks may complete out of order.
 *   <li>Task management calls complete after the affected tasks of <em>every</em> nexus have
 *       completed or been aborted, and after the unit attentions SAM-5 requires are established.
 *   <li>Thread safety: all methods may be called from any thread.
 * </ul>
 */
public interface ScsiNexusPort {

    ItNexus nexus();

    /** Executes one command. */
    CompletableFuture<ScsiResult> execute(ScsiCommand command);

    /** True when the initiator-visible {@code lun} is mapped for this nexus. */
    boolean hasLun(long lun);

    /**
     * LOGICAL UNIT RESET (SAM-5 §7.7): aborts the LU's tasks (the transport aborts its own
     * outstanding tasks for the LU before calling) and establishes the unit attention
     * POWER ON, RESET, OR BUS DEVICE RESET OCCURRED for every nexus, this one included
     * (SAM-5 §6.3.3).
     */
    CompletableFuture<TaskManagementResult> logicalUnitReset(long lun);

    /** TARGET WARM/COLD RESET (RFC 7143 §11.5.1): a logical unit reset of every LU of the target. */
    CompletableFuture<TaskManagementResult> targetReset();

    /**
     * I_T NEXUS LOSS (SAM-5 §6.3.4): the transport calls this once the nexus's session has ended —
     * after a logout, or after a connection loss that was not followed by reinstatement within
     * DefaultTime2Retain. Releases what the nexus held (its SPC-2 reservations, SPC-2 §5.5.1).
     * Idempotent. Per-nexus state (pending unit attentions) is kept while another port of the same
     * nexus is open (session reinstatement opens the new port first) and dropped with the last
     * one. The default does nothing, for ports that hold nothing.
     */
    default void nexusLost() {
    }

    /**
     * The transport registers here how the device server aborts this nexus' tasks when another
     * nexus asks for it (PERSISTENT RESERVE OUT PREEMPT AND ABORT, SPC-4 §5.13.11.2.6). A later call
     * replaces the aborter; after {@link #nexusLost()} it is not called any more. The default
     * ignores it, for ports whose transport keeps no task set of its own.
     */
    default void registerTaskSetAborter(TaskSetAborter aborter) {
    }

    /**
     * Aborts this nexus' tasks for one LUN in the transport, as an ABORT TASK SET from this nexus
     * would (SAM-5 §7.3), except that they get no status at all (TAS 0, SAM-5 §5.6) — not even the
     * ones already executing, whose results are dropped.
     */
    @FunctionalInterface
    interface TaskSetAborter {
        /**
         * @param lun the initiator-visible LUN, as in {@link ScsiCommand#lun()}
         * @return completes, with how many tasks were aborted, once every one of them is gone (those
         *         already executing have completed in the SCSI layer). Must not block; callable from
         *         any thread; must not complete exceptionally.
         */
        CompletableFuture<Integer> abortTaskSet(long lun);
    }

    /** Outcome of a task management function, mapped to the iSCSI TMF response codes by the transport. */
    enum TaskManagementResult {
        FUNCTION_COMPLETE, LUN_DOES_NOT_EXIST, FUNCTION_REJECTED
    }
}
