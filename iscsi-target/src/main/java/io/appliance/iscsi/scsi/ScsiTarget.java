package io.appliance.iscsi.scsi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The SCSI target device behind one iSCSI target: its logical units by LUN, and the per-nexus
 * state (pending unit attentions) that survives re-logins of the same I_T nexus. Thread safe.
 *
 * <p>A brand-new nexus gets <em>no</em> POWER ON unit attention. SAM-5 §5.14 wants one after a
 * power on or an I_T nexus loss so that an initiator learns that state it relied on (mode
 * parameters, reservations) is gone; a nexus that never existed had no such state. Initiators
 * that tolerate it (Linux, libiscsi's {@code iscsi_full_connect}, which sends TEST UNIT READY until
 * the attentions are gone) do not need it, while tools that issue their first media command right
 * after INQUIRY and REPORT LUNS (libiscsi's {@code iscsi-ls -s} reads the capacity with no retry)
 * would fail on it. State changes that do matter (resets, MODE SELECT, capacity, LUN inventory)
 * establish their own unit attentions for every nexus that exists.
 */
public final class ScsiTarget implements ScsiTargetDevice {

    /** SAM-5 §4.7: peripheral (LUN < 256) and flat (LUN < 16384) single-level addressing. */
    public static final int MAX_LUN = 16383;

    private final String targetName;
    private final int relativeTargetPortId;
    private final int targetPortGroup;
    private final CommandTable commands = StandardCommands.TABLE;
    private final ConcurrentSkipListMap<Integer, LogicalUnit> units = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<ItNexus, NexusState> nexuses = new ConcurrentHashMap<>();

    /**
     * @param targetName           the iSCSI target name, reported in VPD page 83h as the SCSI target
     *                             device name
     * @param relativeTargetPortId the relative target port identifier reported in VPD 83h (1 for now)
     * @param targetPortGroup      the target port group reported in VPD 83h
     */
    public ScsiTarget(String targetName, int relativeTargetPortId, int targetPortGroup) {
        this.targetName = Objects.requireNonNull(targetName, "targetName");
        if (relativeTargetPortId < 1 || relativeTargetPortId > 0xFFFF) {
            throw new IllegalArgumentException("relative target port identifier must be 1..65535: " + relativeTargetPortId);
        }
        if (targetPortGroup < 0 || targetPortGroup > 0xFFFF) {
            throw new IllegalArgumentException("target port group must be 0..65535: " + targetPortGroup);
        }
        this.relativeTargetPortId = relativeTargetPortId;
        this.targetPortGroup = targetPortGroup;
    }

    public String targetName() {
        return targetName;
    }

    public int relativeTargetPortId() {
        return relativeTargetPortId;
    }

    public int targetPortGroup() {
        return targetPortGroup;
    }

    /**
     * Presents {@code unit} as {@code lun} and establishes REPORTED LUNS DATA HAS CHANGED (3Fh/0Eh,
     * SPC-4 §6.33) for every existing nexus.
     *
     * @throws IllegalStateException    when the LUN is taken
     * @throws IllegalArgumentException when the LUN is outside 0..16383, or the unit is already
     *                                  presented by this target under another LUN
     */
    public void addLun(int lun, LogicalUnit unit) {
        Objects.requireNonNull(unit, "unit");
        if (lun < 0 || lun > MAX_LUN) {
            throw new IllegalArgumentException("LUN must be 0.." + MAX_LUN + ": " + lun);
        }
        synchronized (units) {
            if (units.containsKey(lun)) {
                throw new IllegalStateException("LUN " + lun + " of " + targetName + " is taken");
            }
            if (units.containsValue(unit)) {
                throw new IllegalArgumentException(unit + " is already presented by " + targetName);
            }
            units.put(lun, unit);
            unit.presentedBy(this);
        }
        inventoryChanged();
    }

    /**
     * Stops presenting {@code lun} and establishes REPORTED LUNS DATA HAS CHANGED for every
     * existing nexus. Does not close the unit; commands already running on it finish.
     */
    public Optional<LogicalUnit> removeLun(int lun) {
        LogicalUnit removed;
        synchronized (units) {
            removed = units.remove(lun);
            if (removed == null) {
                return Optional.empty();
            }
            removed.withdrawnFrom(this);
        }
        for (NexusState state : nexuses.values()) {
            state.forget(removed);
        }
        inventoryChanged();
        return Optional.of(removed);
    }

    /** A sorted snapshot of the logical units by LUN. */
    public Map<Integer, LogicalUnit> luns() {
        return Collections.unmodifiableMap(new TreeMap<>(units));
    }

    @Override
    public ScsiNexusPort openNexus(ItNexus nexus, Map<Integer, Integer> lunMapping) {
        Objects.requireNonNull(nexus, "nexus");
        Objects.requireNonNull(lunMapping, "lunMapping");
        NexusState state = nexuses.compute(nexus, (key, existing) -> {
            NexusState opened = existing == null ? new NexusState(key) : existing;
            opened.portOpened();
            return opened;
        });
        return new NexusPort(this, state, lunMapping, commands);
    }

    /**
     * A port of {@code state}'s nexus is gone (I_T nexus loss, SAM-5 §6.3.4). When it was the last
     * one, the nexus' state is dropped, so that a node does not keep state for every nexus that
     * ever logged in; a later login with the same initiator port is a new nexus, which gets no
     * unit attention (see the class comment). A session reinstatement opens the new port before
     * the old one is lost, so the state survives it.
     */
    void portClosed(NexusState state) {
        nexuses.computeIfPresent(state.nexus(), (key, current) -> current == state && current.portClosed() ? null : current);
    }

    /** How many nexuses have state now (for tests and status). */
    int nexusCount() {
        return nexuses.size();
    }

    LogicalUnit unit(int lun) {
        return units.get(lun);
    }

    List<Integer> lunNumbers() {
        return new ArrayList<>(units.keySet());
    }

    /** Establishes {@code condition} on {@code unit} for every nexus except {@code except} (may be null). */
    void establish(LogicalUnit unit, UnitAttention condition, ItNexus except) {
        for (NexusState state : nexuses.values()) {
            if (!state.nexus().equals(except)) {
                state.establish(unit, condition);
            }
        }
    }

    /** Establishes {@code condition} on {@code unit} for every nexus {@code which} accepts. */
    void establishWhere(LogicalUnit unit, UnitAttention condition, Predicate<ItNexus> which) {
        for (NexusState state : nexuses.values()) {
            if (which.test(state.nexus())) {
                state.establish(unit, condition);
            }
        }
    }

    /**
     * Aborts, through their transports, the tasks on {@code unit} of every nexus {@code which}
     * accepts, and establishes COMMANDS CLEARED BY ANOTHER INITIATOR (2Fh/00h) on {@code unit} for
     * each nexus that had tasks aborted (TAS 0, SAM-5 §5.6). Completes once they are all gone.
     */
    CompletableFuture<Void> abortTaskSets(LogicalUnit unit, Predicate<ItNexus> which) {
        List<CompletableFuture<Void>> aborts = new ArrayList<>();
        for (NexusState state : nexuses.values()) {
            if (!which.test(state.nexus())) {
                continue;
            }
            for (NexusPort port : state.abortablePorts()) {
                aborts.add(port.abortTaskSetOn(unit).thenAccept(aborted -> {
                    if (aborted > 0) {
                        state.establish(unit, UnitAttention.COMMANDS_CLEARED_BY_ANOTHER_INITIATOR);
                    }
                }));
            }
        }
        return CompletableFuture.allOf(aborts.toArray(CompletableFuture[]::new));
    }

    /** TARGET RESET: a logical unit reset of every unit (RFC 7143 §11.5.1, SAM-5 §6.6). */
    CompletableFuture<Void> reset() {
        List<CompletableFuture<Void>> resets = new ArrayList<>();
        for (LogicalUnit unit : units.values()) {
            resets.add(unit.reset());
        }
        return CompletableFuture.allOf(resets.toArray(CompletableFuture[]::new));
    }

    private void inventoryChanged() {
        for (LogicalUnit unit : units.values()) {
            establish(unit, UnitAttention.REPORTED_LUNS_DATA_CHANGED, null);
        }
    }
}
