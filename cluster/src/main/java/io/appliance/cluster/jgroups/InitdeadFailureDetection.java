package io.appliance.cluster.jgroups;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_ALL3;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FD_ALL3 with Heartbeat's {@code initdead}: until initdead has passed since this node's transport was built (its
 * boot), a member is suspected only after initdead without a heartbeat; from then on after deadtime. Heartbeat
 * applies initdead "to deal with the fact that on some systems the network takes a while to work after boot"; here
 * it also covers the first seconds of a JVM, when several appliances starting on few cores send their heartbeats
 * late, and a deadtime of 2 s would split the view that is forming.
 *
 * <p>Only the view's failure detection waits: a killed process is still seen at once by FD_SOCK2, and the quorum
 * lease stays at deadtime, so a node cut off during initdead still stops its resources in time. A rejoin after the
 * grace keeps deadtime.
 */
final class InitdeadFailureDetection extends FD_ALL3 {

    private static final Logger LOG = LoggerFactory.getLogger(InitdeadFailureDetection.class);

    private final Duration deadtime;
    private final Instant graceEnds;
    private final Clock clock;
    private volatile Future<?> graceTimer;

    /**
     * @param keepalive how often a heartbeat is sent and the timestamps are checked
     * @param deadtime  silence after which a member is suspected once the grace is over
     * @param initdead  the grace from now; at most deadtime means no grace
     */
    InitdeadFailureDetection(Duration keepalive, Duration deadtime, Duration initdead, Clock clock) {
        this.deadtime = Objects.requireNonNull(deadtime, "deadtime");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.graceEnds = clock.instant().plus(initdead);
        // FD_ALL3's own protocol id: its heartbeat headers are FD_ALL3's, on the wire and in the stack
        setId(ClassConfigurator.getProtocolId(FD_ALL3.class));
        setInterval(keepalive.toMillis());
        setTimeout(initdead.compareTo(deadtime) > 0 ? initdead.toMillis() : deadtime.toMillis());
    }

    @Override
    public void start() throws Exception {
        Duration left = Duration.between(clock.instant(), graceEnds);
        if (left.isNegative() || left.isZero()) {
            endGrace();
        } else if (timeout > deadtime.toMillis()) {
            graceTimer = getTransport().getTimer().schedule(this::endGrace, left.toMillis(), TimeUnit.MILLISECONDS);
        }
        super.start();
    }

    @Override
    public void stop() {
        Future<?> timer = graceTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        super.stop();
    }

    /**
     * Switches to deadtime. Each member's heartbeat window starts afresh at deadtime (a new bitmap is all set), so a
     * member silent since before the switch is suspected one deadtime after it, not at once.
     */
    private synchronized void endGrace() {
        if (timeout == deadtime.toMillis()) {
            return;
        }
        setTimeout(deadtime.toMillis());
        timestamps.replaceAll((member, window) -> new Bitmap(num_bits));
        LOG.info("initdead over: a member silent for {} ms is suspected from now on", deadtime.toMillis());
    }
}
