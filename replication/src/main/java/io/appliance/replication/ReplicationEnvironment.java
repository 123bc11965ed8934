package io.appliance.replication;

import io.netty.channel.EventLoopGroup;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the replication engine needs from its host process. The host owns every member: the engine
 * never shuts down the event loops or the scheduler.
 *
 * @param clock         time source for status, events and rate control
 * @param eventLoops    Netty event loops for the peer links (never blocked by the engine)
 * @param scheduler     timers: connect retries, resync ticks, request timeouts
 * @param backingOpener opens backing volumes
 * @param random        generation identifiers, authentication challenges
 */
public record ReplicationEnvironment(Clock clock, EventLoopGroup eventLoops, ScheduledExecutorService scheduler,
                                     BackingOpener backingOpener, SecureRandom random) {
    public ReplicationEnvironment {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(eventLoops, "eventLoops");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(backingOpener, "backingOpener");
        Objects.requireNonNull(random, "random");
    }
}
