package io.appliance.iscsi.session;

import java.util.function.Consumer;

/**
 * The session's command window (RFC 7143 §4.2.2.1): ExpCmdSN, MaxCmdSN and the non-immediate
 * requests that arrived ahead of a gap. Requests are handed to the consumer strictly in CmdSN
 * order; ExpCmdSN is advanced before each hand-over so that the answer carries the new value.
 *
 * <p>Credit: MaxCmdSN = ExpCmdSN + capacity - 1 - tasks in flight, so that no more than
 * {@code capacity} commands are ever queued or executing, and MaxCmdSN never decreases (it rises
 * when a task finishes or a non-task request is consumed).
 *
 * <p>Confined to the session's event loop.
 */
final class CommandWindow<T> {

    private final Object[] slots;
    private final Consumer<T> consumer;
    private int head;
    private int expCmdSn;
    private int tasksInFlight;
    private boolean draining;

    /** A placeholder for a CmdSN that counts as received but carries nothing (§11.5.1 ABORT TASK b). */
    private static final Object RECEIVED_EMPTY = new Object();

    CommandWindow(int capacity, int initialCmdSn, Consumer<T> consumer) {
        if (capacity < 1) {
            throw new IllegalArgumentException("command window must be at least 1: " + capacity);
        }
        this.slots = new Object[capacity];
        this.consumer = consumer;
        this.expCmdSn = initialCmdSn;
    }

    int expCmdSn() {
        return expCmdSn;
    }

    int maxCmdSn() {
        return expCmdSn + slots.length - 1 - tasksInFlight;
    }

    /** §4.2.2.1: a non-immediate CmdSN is acceptable when ExpCmdSN <= CmdSN <= MaxCmdSN and not yet received. */
    boolean acceptable(int cmdSn) {
        return SerialNumbers.within(cmdSn, expCmdSn, maxCmdSn()) && slots[slot(cmdSn)] == null;
    }

    /**
     * Records a request; hands it (and any that were waiting behind it) to the consumer when its
     * turn has come. Returns false, recording nothing, when the CmdSN is not acceptable.
     */
    boolean offer(int cmdSn, T request) {
        if (!acceptable(cmdSn)) {
            return false;
        }
        slots[slot(cmdSn)] = request;
        drain();
        return true;
    }

    /** Marks a CmdSN inside the window as received without a request (a rejected or aborted command). */
    void markReceived(int cmdSn) {
        if (acceptable(cmdSn)) {
            slots[slot(cmdSn)] = RECEIVED_EMPTY;
            drain();
        }
    }

    /** A sequenced command became a task in flight (consumes credit). */
    void taskStarted() {
        tasksInFlight++;
    }

    /** A task in flight finished (returns its credit). */
    void taskFinished() {
        tasksInFlight--;
    }

    /** Discards the requests waiting behind a gap, handing each to {@code discard}. */
    @SuppressWarnings("unchecked")
    void clear(Consumer<T> discard) {
        for (int i = 0; i < slots.length; i++) {
            Object entry = slots[i];
            slots[i] = null;
            if (entry != null && entry != RECEIVED_EMPTY) {
                discard.accept((T) entry);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            Object entry;
            while ((entry = slots[head]) != null) {
                slots[head] = null;
                head = (head + 1) % slots.length;
                expCmdSn++;
                if (entry != RECEIVED_EMPTY) {
                    consumer.accept((T) entry);
                }
            }
        } finally {
            draining = false;
        }
    }

    private int slot(int cmdSn) {
        return Math.floorMod(head + (cmdSn - expCmdSn), slots.length);
    }
}
