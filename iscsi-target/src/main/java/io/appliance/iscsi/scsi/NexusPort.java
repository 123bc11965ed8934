package io.appliance.iscsi.scsi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device server as one I_T nexus sees it. {@link #execute} is the dispatcher: it resolves the
 * LUN, reports a pending unit attention, looks the command up in the {@link CommandTable}, checks
 * the CDB and the SPC-2 reservation, runs the handler, and turns every exception into the wire
 * answer — the only place where {@link SenseException} and {@link ReservationConflictException}
 * become a {@link ScsiResult}.
 */
final class NexusPort implements ScsiNexusPort {

    private static final Logger LOG = LoggerFactory.getLogger(NexusPort.class);

    private final ScsiTarget target;
    private final NexusState state;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final Map<Integer, Integer> lunMapping;
    private final CommandTable commands;
    private volatile TaskSetAborter aborter;

    NexusPort(ScsiTarget target, NexusState state, Map<Integer, Integer> lunMapping, CommandTable commands) {
        this.target = target;
        this.state = state;
        this.lunMapping = Map.copyOf(lunMapping);
        this.commands = commands;
    }

    @Override
    public ItNexus nexus() {
        return state.nexus();
    }

    NexusState state() {
        return state;
    }

    ScsiTarget target() {
        return target;
    }

    CommandTable commands() {
        return commands;
    }

    @Override
    public boolean hasLun(long lun) {
        return unitAt(lun) != null;
    }

    /** The initiator-visible LUNs that address a logical unit now, ascending. */
    List<Integer> visibleLuns() {
        List<Integer> visible = new ArrayList<>();
        if (lunMapping.isEmpty()) {
            visible.addAll(target.lunNumbers());
        } else {
            lunMapping.forEach((initiatorLun, targetLun) -> {
                if (target.unit(targetLun) != null) {
                    visible.add(initiatorLun);
                }
            });
            visible.sort(null);
        }
        return visible;
    }

    /** The logical unit an initiator-visible LUN addresses through this port, or null (EXTENDED COPY resolves its targets with it). */
    LogicalUnit visibleUnit(long lun) {
        return unitAt(lun);
    }

    private LogicalUnit unitAt(long lun) {
        if (lun < 0 || lun > ScsiTarget.MAX_LUN) {
            return null;
        }
        Integer targetLun = lunMapping.isEmpty() ? Integer.valueOf((int) lun) : lunMapping.get((int) lun);
        return targetLun == null ? null : target.unit(targetLun);
    }

    @Override
    public CompletableFuture<ScsiResult> execute(ScsiCommand command) {
        Objects.requireNonNull(command, "command");
        CommandContext context = null;
        try {
            byte[] cdb = command.cdb();
            LogicalUnit unit = unitAt(command.lun());
            CommandDescriptor descriptor = commands.find(cdb);
            if (descriptor != null && unit != null && !descriptor.supportedBy(unit)) {
                descriptor = null;
            }
            if (unit == null) {
                // SPC-4 §6.6.2 / §6.33 / §6.39: only these answer for a LUN with no logical unit
                if (descriptor == null || !descriptor.has(CommandDescriptor.Attribute.ANSWERS_WITHOUT_UNIT)) {
                    throw SenseException.logicalUnitNotSupported();
                }
            } else if (descriptor == null || !descriptor.has(CommandDescriptor.Attribute.IGNORES_UNIT_ATTENTION)) {
                // SAM-5 §5.14: a pending unit attention ends the next command, whatever it is
                UnitAttention attention = state.take(unit);
                if (attention != null) {
                    throw SenseException.unitAttention(attention);
                }
            }
            if (descriptor == null) {
                throw commands.unsupported(cdb);
            }
            CommandTable.validate(descriptor, cdb);
            if (unit != null && !descriptor.has(CommandDescriptor.Attribute.ALLOWED_UNDER_OTHERS_RESERVATION)
                    && unit.reservedByOther(nexus())) {
                throw new ReservationConflictException(descriptor.name() + " on a unit reserved by another nexus");
            }
            if (unit != null) {
                // SPC-4 §5.13.1 Table 62, SBC-3 Table 13: the persistent reservation decides what may run
                unit.persistentReservations().checkAccess(nexus(), cdb);
            }
            context = new CommandContext(command, unit, this);
            return run(descriptor, context);
        } catch (SenseException | ReservationConflictException | RuntimeException e) {
            return CompletableFuture.completedFuture(toResult(e, context));
        }
    }

    private CompletableFuture<ScsiResult> run(CommandDescriptor descriptor, CommandContext context)
            throws SenseException, ReservationConflictException {
        LogicalUnit unit = context.unit();
        if (unit == null) {
            return descriptor.handler().execute(context).handle((result, failure) -> answer(result, failure, context));
        }
        InFlightTracker.Ticket ticket = unit.inFlight().enter();
        CompletableFuture<ScsiResult> running;
        try {
            running = descriptor.handler().execute(context);
        } catch (SenseException | ReservationConflictException | RuntimeException e) {
            ticket.exit();
            throw e;
        }
        return running.handle((result, failure) -> {
            ticket.exit();
            return answer(result, failure, context);
        });
    }

    private ScsiResult answer(ScsiResult result, Throwable failure, CommandContext context) {
        return failure == null ? result : toResult(failure, context);
    }

    /** The single mapping of handler exceptions to SAM status and sense data. */
    private ScsiResult toResult(Throwable failure, CommandContext context) {
        Throwable cause = BlockIo.unwrap(failure);
        long transferBytes = context == null ? 0 : context.transferBytes();
        if (cause instanceof SenseException sense) {
            return new ScsiResult(ScsiResult.CHECK_CONDITION, SenseData.fixedFormat(sense), null, transferBytes);
        }
        if (cause instanceof ReservationConflictException) {
            return new ScsiResult(ScsiResult.RESERVATION_CONFLICT, null, null, transferBytes);
        }
        LOG.warn("internal failure executing a command for {}", nexus(), cause);
        return new ScsiResult(ScsiResult.CHECK_CONDITION,
                SenseData.fixedFormat(SenseException.internalTargetFailure(cause)), null, transferBytes);
    }

    @Override
    public CompletableFuture<TaskManagementResult> logicalUnitReset(long lun) {
        LogicalUnit unit = unitAt(lun);
        if (unit == null) {
            return CompletableFuture.completedFuture(TaskManagementResult.LUN_DOES_NOT_EXIST);
        }
        return unit.reset().thenApply(done -> TaskManagementResult.FUNCTION_COMPLETE);
    }

    @Override
    public void registerTaskSetAborter(TaskSetAborter taskSetAborter) {
        aborter = Objects.requireNonNull(taskSetAborter, "taskSetAborter");
        if (!lost.get()) {
            state.abortable(this);
        }
    }

    /**
     * Aborts, through the transport's aborter, this port's tasks on {@code unit} under every
     * initiator-visible LUN that addresses it. Completes with the number aborted (zero without an
     * aborter, or after the nexus was lost) once they are gone.
     */
    CompletableFuture<Integer> abortTaskSetOn(LogicalUnit unit) {
        TaskSetAborter current = aborter;
        if (current == null || lost.get()) {
            return CompletableFuture.completedFuture(0);
        }
        CompletableFuture<Integer> total = CompletableFuture.completedFuture(0);
        for (int lun : visibleLuns()) {
            if (unitAt(lun) != unit) {
                continue;
            }
            CompletableFuture<Integer> aborted;
            try {
                aborted = current.abortTaskSet(lun).exceptionally(failure -> {
                    LOG.warn("aborting the tasks of {} on LUN {} failed", nexus(), lun, failure);
                    return 0;
                });
            } catch (RuntimeException e) {
                LOG.warn("aborting the tasks of {} on LUN {} failed", nexus(), lun, e);
                aborted = CompletableFuture.completedFuture(0);
            }
            total = total.thenCombine(aborted, Integer::sum);
        }
        return total;
    }

    /**
     * Releases the SPC-2 reservations this nexus holds on the target's units and, when this was the
     * nexus' last port, its per-nexus state. Only the first call has an effect.
     */
    @Override
    public void nexusLost() {
        if (!lost.compareAndSet(false, true)) {
            return;
        }
        state.notAbortable(this);
        for (LogicalUnit unit : target.luns().values()) {
            unit.release(nexus());
        }
        target.portClosed(state);
    }

    @Override
    public CompletableFuture<TaskManagementResult> targetReset() {
        return target.reset().thenApply(done -> TaskManagementResult.FUNCTION_COMPLETE);
    }
}
