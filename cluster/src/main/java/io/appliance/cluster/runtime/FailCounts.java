package io.appliance.cluster.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * This node's fail counts per primitive with the last failure; counts expire after the resource's
 * failure-timeout (ZERO = never). {@link #INFINITY} marks a start failure with start-failure-is-fatal.
 */
final class FailCounts {

    static final int INFINITY = Integer.MAX_VALUE;

    private record Entry(int count, FailureInfo last, Instant at) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    void record(String resource, FailureInfo failure, Instant at, boolean fatal) {
        int previous = count(resource);
        int count = fatal || previous == INFINITY ? INFINITY : previous + 1;
        entries.put(resource, new Entry(count, failure, at));
    }

    int count(String resource) {
        Entry entry = entries.get(resource);
        return entry == null ? 0 : entry.count();
    }

    FailureInfo lastFailure(String resource) {
        Entry entry = entries.get(resource);
        return entry == null ? null : entry.last();
    }

    void clear(String resource) {
        entries.remove(resource);
    }

    /** Removes counts older than their failure timeout; true when something expired. */
    boolean expire(Instant now, Function<String, Duration> failureTimeout) {
        return entries.entrySet().removeIf(entry -> {
            Duration timeout = failureTimeout.apply(entry.getKey());
            return !timeout.isZero() && !now.isBefore(entry.getValue().at().plus(timeout));
        });
    }
}
