package io.appliance.iscsi.scsi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Orders the commands of one logical unit that must not interleave on the same logical blocks:
 * an asynchronous lock over LBA ranges, in two modes.
 * <ul>
 *   <li>{@link #shared}: a plain write (WRITE, WRITE AND VERIFY). Plain writes never exclude each
 *       other (SAM-5 leaves the order of overlapping SIMPLE tasks open, and the
 *       {@link io.appliance.iscsi.block.BlockDevice} contract leaves overlapping writes unordered).
 *   <li>{@link #exclusive}: a read-modify-write that SBC-4 §4.27 requires to be "an uninterrupted
 *       sequence of actions" — ORWRITE today. It runs only when no other shared or exclusive
 *       operation overlaps its range, and nothing overlapping starts until it ends.
 * </ul>
 * COMPARE AND WRITE (89h) is the other command of that kind and reuses this lock as is:
 * its handler calls {@code unit.rangeLock().exclusive(lba, blocks, () -> read, compare, then
 * write or fail with MISCOMPARE)}, exactly as {@link OrWriteHandler} does with its read, OR,
 * write.
 *
 * <p>Contract:
 * <ul>
 *   <li>Nothing blocks a thread. A caller gets a future; the operation is started when the range
 *       is granted, on the thread that granted it: the caller's own thread when nothing conflicts,
 *       else the thread that completed the last conflicting operation (a device I/O thread).
 *       Operations therefore must only start I/O, never wait for it.
 *   <li>The lock is released when the operation's future completes, normally or not, or when the
 *       supplier throws; the returned future completes after the release.
 *   <li>Conflicting requests are granted in arrival order, so a stream of plain writes cannot
 *       starve a waiting ORWRITE and ORWRITEs cannot starve writes.
 *   <li>Reads are not ordered by this lock: a READ racing an ORWRITE may see each block before or
 *       after the OR.
 * </ul>
 *
 * <p>Cost: while no exclusive operation is present, a plain write takes no lock: it increments
 * and decrements one counter ({@code unlockedWriters}). The first exclusive request switches the
 * unit to tracked mode: from then on writes register their range under the monitor, and the
 * exclusive request also waits for the untracked writes already in flight (their ranges are
 * unknown), at most one I/O's latency. When the last exclusive operation ends, writes are
 * untracked again. The monitor guards only this bookkeeping (a walk over the operations present)
 * and is never held across I/O, a wait, or a future's completion.
 */
final class BlockRangeLock {

    /** Plain writes running untracked (started while no exclusive operation was present). */
    private final AtomicInteger unlockedWriters = new AtomicInteger();
    /** Exclusive operations present (waiting or running); written under the monitor only. */
    private volatile int exclusivePresent;
    /** True once the untracked writers of the current tracked period have all ended. Monitor. */
    private boolean untrackedDrained;
    /** Tracked operations in arrival order (running and waiting). Monitor. */
    private Entry head;
    private Entry tail;

    /**
     * Runs a plain write of {@code blocks} blocks at {@code lba} once no exclusive operation
     * overlaps it.
     *
     * @throws IllegalArgumentException when {@code blocks} is not positive or {@code lba} negative
     */
    <T> CompletableFuture<T> shared(long lba, long blocks, Supplier<CompletableFuture<T>> write) {
        checkRange(lba, blocks);
        unlockedWriters.incrementAndGet();
        // Dekker pairing with enqueue(): either this read sees the exclusive request, or that
        // request's read of unlockedWriters sees this writer and waits for it.
        if (exclusivePresent == 0) {
            return runThenRelease(write, this::untrackedWriterDone);
        }
        untrackedWriterDone();
        return runWhenGranted(enqueue(lba, blocks, false), write);
    }

    /**
     * Runs {@code readModifyWrite} on {@code blocks} blocks at {@code lba} with no other shared or
     * exclusive operation overlapping it from start to end.
     *
     * @throws IllegalArgumentException when {@code blocks} is not positive or {@code lba} negative
     */
    <T> CompletableFuture<T> exclusive(long lba, long blocks, Supplier<CompletableFuture<T>> readModifyWrite) {
        checkRange(lba, blocks);
        return runWhenGranted(enqueue(lba, blocks, true), readModifyWrite);
    }

    /** Operations present in tracked mode (running or waiting); for tests. */
    synchronized int trackedOperations() {
        int count = 0;
        for (Entry entry = head; entry != null; entry = entry.next) {
            count++;
        }
        return count;
    }

    private static void checkRange(long lba, long blocks) {
        if (lba < 0 || blocks <= 0 || lba + blocks < lba) {
            throw new IllegalArgumentException("bad block range " + lba + "+" + blocks);
        }
    }

    private <T> CompletableFuture<T> runWhenGranted(Entry entry, Supplier<CompletableFuture<T>> operation) {
        return entry.granted.thenCompose(granted -> runThenRelease(operation, () -> release(entry)));
    }

    private static <T> CompletableFuture<T> runThenRelease(Supplier<CompletableFuture<T>> operation, Runnable release) {
        CompletableFuture<T> running;
        try {
            running = operation.get();
        } catch (RuntimeException | Error e) {
            release.run();
            throw e;
        }
        return running.whenComplete((result, failure) -> release.run());
    }

    private Entry enqueue(long lba, long blocks, boolean exclusive) {
        Entry entry = new Entry(lba, lba + blocks, exclusive);
        List<Entry> ready = new ArrayList<>(1);
        synchronized (this) {
            boolean drainSeenHere = false;
            if (exclusive) {
                if (exclusivePresent == 0) {
                    untrackedDrained = false;
                }
                exclusivePresent = exclusivePresent + 1;
                if (!untrackedDrained && unlockedWriters.get() == 0) {
                    untrackedDrained = true;
                    drainSeenHere = true;
                }
            }
            for (Entry earlier = head; earlier != null; earlier = earlier.next) {
                if (entry.conflictsWith(earlier)) {
                    entry.blockers++;
                }
            }
            append(entry);
            if (drainSeenHere) {
                // Exclusive requests that arrived earlier may have waited for this drain only; the
                // writer whose decrement reached zero finds it seen already and grants nothing.
                collectReady(ready);
            } else if (markGrantedIfReady(entry)) {
                ready.add(entry);
            }
        }
        ready.forEach(waiter -> waiter.granted.complete(null));
        return entry;
    }

    private void release(Entry entry) {
        List<Entry> ready = new ArrayList<>(2);
        synchronized (this) {
            Entry later = entry.next;
            unlink(entry);
            if (entry.exclusive) {
                exclusivePresent = exclusivePresent - 1;
            }
            for (; later != null; later = later.next) {
                if (entry.conflictsWith(later)) {
                    later.blockers--;
                    if (markGrantedIfReady(later)) {
                        ready.add(later);
                    }
                }
            }
        }
        ready.forEach(waiter -> waiter.granted.complete(null));
    }

    private void untrackedWriterDone() {
        if (unlockedWriters.decrementAndGet() == 0 && exclusivePresent != 0) {
            List<Entry> ready = new ArrayList<>(2);
            synchronized (this) {
                if (exclusivePresent == 0 || untrackedDrained || unlockedWriters.get() != 0) {
                    // no one waits, or it was seen already, or a writer is backing off and calls again
                    return;
                }
                untrackedDrained = true;
                collectReady(ready);
            }
            ready.forEach(waiter -> waiter.granted.complete(null));
        }
    }

    /** Monitor held: marks every operation that may start now and adds it to {@code ready}. */
    private void collectReady(List<Entry> ready) {
        for (Entry entry = head; entry != null; entry = entry.next) {
            if (markGrantedIfReady(entry)) {
                ready.add(entry);
            }
        }
    }

    /** Monitor held. */
    private boolean markGrantedIfReady(Entry entry) {
        if (entry.grantDecided || entry.blockers != 0 || (entry.exclusive && !untrackedDrained)) {
            return false;
        }
        entry.grantDecided = true;
        return true;
    }

    /** Monitor held. */
    private void append(Entry entry) {
        entry.previous = tail;
        if (tail == null) {
            head = entry;
        } else {
            tail.next = entry;
        }
        tail = entry;
    }

    /** Monitor held. */
    private void unlink(Entry entry) {
        if (entry.previous == null) {
            head = entry.next;
        } else {
            entry.previous.next = entry.next;
        }
        if (entry.next == null) {
            tail = entry.previous;
        } else {
            entry.next.previous = entry.previous;
        }
        entry.previous = null;
        entry.next = null;
    }

    /** One tracked operation: the blocks [start, end), its mode, and how many earlier ones it waits for. */
    private static final class Entry {
        final long start;
        final long end;
        final boolean exclusive;
        final CompletableFuture<Void> granted = new CompletableFuture<>();
        int blockers;
        boolean grantDecided;
        Entry previous;
        Entry next;

        Entry(long start, long end, boolean exclusive) {
            this.start = start;
            this.end = end;
            this.exclusive = exclusive;
        }

        boolean conflictsWith(Entry other) {
            return (exclusive || other.exclusive) && start < other.end && other.start < end;
        }
    }
}
