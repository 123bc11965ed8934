package io.appliance.replication.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Orders overlapping requests: a request admitted later waits for every earlier overlapping one
 * still in the structure. Not thread-safe: used only on the resource's state executor.
 */
final class RangeOrdering {
    private static final CompletableFuture<Void> NOTHING_EARLIER = CompletableFuture.completedFuture(null);
    private final Deque<Entry> entries = new ArrayDeque<>();

    /** One admitted range; {@link #done()} completes when it leaves the structure. */
    static final class Entry {
        private final long offset;
        private final long end;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private CompletableFuture<Void> ready;

        private Entry(long offset, long length) {
            this.offset = offset;
            this.end = offset + length;
        }

        /** Completes when every earlier overlapping entry is done. */
        CompletableFuture<Void> ready() {
            return ready;
        }

        CompletableFuture<Void> done() {
            return done;
        }
    }

    /**
     * Admits a range; its {@link Entry#ready()} completes when every earlier overlapping entry is
     * done. A range of length 0 is a barrier: it waits for every earlier entry (flush ordering)
     * and is not itself waited for.
     */
    Entry admit(long offset, long length) {
        Entry entry = new Entry(offset, length);
        List<CompletableFuture<Void>> earlier = null;
        for (Entry other : entries) {
            if (length == 0 || (other.offset < entry.end && offset < other.end)) {
                if (earlier == null) {
                    earlier = new ArrayList<>();
                }
                earlier.add(other.done);
            }
        }
        if (length != 0) {
            entries.add(entry);
        }
        // the common case (no overlap) shares one completed future: no allocation
        entry.ready = earlier == null ? NOTHING_EARLIER
                : CompletableFuture.allOf(earlier.toArray(CompletableFuture[]::new));
        return entry;
    }

    /** Completes when every entry present now that overlaps the range is done; admits nothing. */
    CompletableFuture<Void> overlapsDone(long offset, long length) {
        long end = offset + length;
        CompletableFuture<?>[] overlapping = entries.stream().filter(other -> other.offset < end && offset < other.end)
                .map(other -> other.done).toArray(CompletableFuture[]::new);
        return overlapping.length == 0 ? CompletableFuture.completedFuture(null) : CompletableFuture.allOf(overlapping);
    }

    /** Removes an entry and releases the requests waiting for it. */
    void release(Entry entry) {
        entries.remove(entry);
        entry.done.complete(null);
    }

    int size() {
        return entries.size();
    }

    /** Completes when every entry present now is released. */
    CompletableFuture<Void> drained() {
        return entries.isEmpty() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.allOf(entries.stream().map(entry -> entry.done).toArray(CompletableFuture[]::new));
    }
}
