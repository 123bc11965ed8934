package io.appliance.iscsi.scsi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the commands running on one logical unit so that a reset can wait for those already
 * started (SAM-5 §6.3: a LOGICAL UNIT RESET completes after the tasks it aborts have ended),
 * without a lock on the I/O path: a command increments and decrements one counter of the current
 * generation; {@link #drain()} starts a new generation and waits for the old one to empty.
 */
final class InFlightTracker {

    private volatile Generation current = new Generation(CompletableFuture.completedFuture(null));

    /** Registers a starting command; the caller must call {@link Ticket#exit()} exactly once. */
    Ticket enter() {
        while (true) {
            Generation generation = current;
            generation.count.incrementAndGet();
            if (current == generation) {
                return generation;
            }
            // a drain swapped generations meanwhile: leave the sealed one and join the new one
            generation.exit();
        }
    }

    /** Completes when every command that entered before this call (and before earlier drains) has exited. */
    CompletableFuture<Void> drain() {
        Generation old;
        Generation next;
        synchronized (this) {
            old = current;
            next = new Generation(old.allDrained);
            current = next;
        }
        old.exit(); // drop the generation's own reference: the last command out completes it
        return old.allDrained;
    }

    interface Ticket {
        void exit();
    }

    private static final class Generation implements Ticket {
        /** One reference for the generation itself while current, plus one per command inside. */
        final AtomicInteger count = new AtomicInteger(1);
        final CompletableFuture<Void> drained = new CompletableFuture<>();
        final CompletableFuture<Void> allDrained;

        Generation(CompletableFuture<Void> predecessorsDrained) {
            this.allDrained = CompletableFuture.allOf(drained, predecessorsDrained);
        }

        @Override
        public void exit() {
            if (count.decrementAndGet() == 0) {
                drained.complete(null);
            }
        }
    }
}
