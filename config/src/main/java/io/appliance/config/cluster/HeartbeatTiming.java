package io.appliance.config.cluster;

import java.time.Duration;

/**
 * Heartbeat's timing (ha.cf keys of the same names).
 *
 * @param keepalive interval between heartbeats (node reports, decision re-broadcasts); at least 100 ms
 * @param warntime a heartbeat later than this is logged as late
 * @param deadtime a node silent for this long is dead; also the quorum lease
 * @param initdead how long a starting node waits for all configured nodes before resources are placed
 *     (rules: {@code keepalive < warntime < deadtime <= initdead})
 */
public record HeartbeatTiming(Duration keepalive, Duration warntime, Duration deadtime, Duration initdead) {

    private static final Duration MIN_KEEPALIVE = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofMinutes(10);

    public HeartbeatTiming {
        Checks.duration(keepalive, "keepalive", MIN_KEEPALIVE, MAX);
        Checks.duration(warntime, "warntime", MIN_KEEPALIVE, MAX);
        Checks.duration(deadtime, "deadtime", MIN_KEEPALIVE, MAX);
        Checks.duration(initdead, "initdead", MIN_KEEPALIVE, MAX);
        Checks.require(keepalive.compareTo(warntime) < 0, "warntime", "warntime " + DurationText.format(warntime)
                + " must be longer than keepalive " + DurationText.format(keepalive));
        Checks.require(warntime.compareTo(deadtime) < 0, "deadtime", "deadtime " + DurationText.format(deadtime)
                + " must be longer than warntime " + DurationText.format(warntime));
        Checks.require(deadtime.compareTo(initdead) <= 0, "initdead", "initdead " + DurationText.format(initdead)
                + " must be at least deadtime " + DurationText.format(deadtime));
    }

    /** 500 ms, 1 s, 2 s, 10 s. */
    public static HeartbeatTiming defaults() {
        return new HeartbeatTiming(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(10));
    }
}
