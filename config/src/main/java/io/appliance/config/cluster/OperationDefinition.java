package io.appliance.config.cluster;

import java.time.Duration;
import java.util.Set;

/**
 * One operation of a primitive.
 *
 * @param name {@code start}, {@code stop} or {@code monitor}
 * @param interval {@code monitor}: how often, 1 s (100 ms allowed for tests) .. 24 h, must be &gt; 0;
 *     {@code start}/{@code stop}: 0
 * @param timeout bound of one run, 100 ms .. 24 h (default 20 s)
 * @param onFail what a failure leads to (default {@link #defaultOnFail})
 */
public record OperationDefinition(String name, Duration interval, Duration timeout, OnFail onFail) {

    public static final String START = "start";
    public static final String STOP = "stop";
    public static final String MONITOR = "monitor";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private static final Set<String> NAMES = Set.of(START, STOP, MONITOR);

    public OperationDefinition {
        Checks.notNull(name, "name");
        Checks.require(NAMES.contains(name), "name", "operation '" + name + "' must be start, stop or monitor");
        Checks.duration(interval, "interval", Duration.ZERO, Duration.ofHours(24));
        Checks.duration(timeout, "timeout", Duration.ofMillis(100), Duration.ofHours(24));
        Checks.notNull(onFail, "onFail");
        if (name.equals(MONITOR)) {
            Checks.require(!interval.isZero(), "interval", "monitor needs an interval > 0, e.g. 10s");
        } else {
            Checks.require(interval.isZero(), "interval", name + " takes no interval (0)");
        }
    }

    /** {@code RESTART} for monitor and start, {@code FENCE} for stop (the runtime uses BLOCK when fencing is disabled). */
    public static OnFail defaultOnFail(String name) {
        return STOP.equals(name) ? OnFail.FENCE : OnFail.RESTART;
    }

    /** An operation with the default timeout and on-fail. */
    public static OperationDefinition of(String name, Duration interval) {
        return new OperationDefinition(name, interval, DEFAULT_TIMEOUT, defaultOnFail(name));
    }

    /** A monitor every {@code interval} with the default timeout and on-fail. */
    public static OperationDefinition monitor(Duration interval) {
        return of(MONITOR, interval);
    }
}
