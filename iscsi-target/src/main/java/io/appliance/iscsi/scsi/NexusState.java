package io.appliance.iscsi.scsi;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the device server remembers per I_T nexus: pending unit attention conditions per logical
 * unit (SAM-5 §5.14). Kept by the {@link ScsiTarget} across re-logins of the same nexus. Lock free:
 * the pending conditions of one (nexus, unit) pair are bits of one integer.
 */
final class NexusState {

    private static final UnitAttention[] CONDITIONS = UnitAttention.values();

    private final ItNexus nexus;
    private final ConcurrentHashMap<LogicalUnit, AtomicInteger> pending = new ConcurrentHashMap<>();
    /** The open ports of this nexus whose transport registered a task set aborter. */
    private final Set<NexusPort> abortablePorts = ConcurrentHashMap.newKeySet();
    /** Open ports of this nexus; changed only inside the target's map operations for this nexus. */
    private int openPorts;

    NexusState(ItNexus nexus) {
        this.nexus = nexus;
    }

    ItNexus nexus() {
        return nexus;
    }

    void portOpened() {
        openPorts++;
    }

    /** @return true when no port of this nexus remains open */
    boolean portClosed() {
        openPorts--;
        return openPorts <= 0;
    }

    void abortable(NexusPort port) {
        abortablePorts.add(port);
    }

    void notAbortable(NexusPort port) {
        abortablePorts.remove(port);
    }

    Set<NexusPort> abortablePorts() {
        return Set.copyOf(abortablePorts);
    }

    void establish(LogicalUnit unit, UnitAttention condition) {
        pending.computeIfAbsent(unit, u -> new AtomicInteger()).getAndUpdate(bits -> bits | condition.bit());
    }

    /** Removes and returns the highest-priority pending condition for {@code unit}, or null. */
    UnitAttention take(LogicalUnit unit) {
        AtomicInteger bits = pending.get(unit);
        if (bits == null) {
            return null;
        }
        while (true) {
            int current = bits.get();
            if (current == 0) {
                return null;
            }
            int first = Integer.lowestOneBit(current);
            if (bits.compareAndSet(current, current & ~first)) {
                return CONDITIONS[Integer.numberOfTrailingZeros(first)];
            }
        }
    }

    /** Clears {@code condition} for every unit (REPORT LUNS clears REPORTED LUNS DATA HAS CHANGED, SPC-4 §6.33). */
    void clearEverywhere(UnitAttention condition) {
        for (AtomicInteger bits : pending.values()) {
            bits.getAndUpdate(b -> b & ~condition.bit());
        }
    }

    void forget(LogicalUnit unit) {
        pending.remove(unit);
    }
}
