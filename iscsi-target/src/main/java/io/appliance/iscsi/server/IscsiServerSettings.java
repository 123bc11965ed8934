package io.appliance.iscsi.server;

import io.appliance.iscsi.login.TargetLimits;
import io.appliance.iscsi.session.SessionSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Timers and windows of the iSCSI service. Validated in the compact constructor: impossible
 * combinations are refused at start-up with a message naming the field.
 *
 * @param limits         what login negotiation offers and enforces (RFC 7143 §13)
 * @param commandWindow  commands; MaxCmdSN - ExpCmdSN + 1 with nothing in flight (§4.2.2.1),
 *                       1..65536, default 256 (keeps a queue depth of 128 busy)
 * @param nopInInterval  idle time before the target pings with a NOP-In, default 5 s; ZERO
 *                       disables pings (and with them dead-initiator detection)
 * @param nopInTimeout   time a NOP-In may stay unanswered before the connection is dropped,
 *                       default 15 s
 * @param loginTimeout   time the login phase may take, default 15 s
 * @param shutdownGrace  time initiators get to log out after the Async Message at close, default 2 s
 * @param clock          decides when timers have expired (a manual clock in tests)
 */
public record IscsiServerSettings(TargetLimits limits, int commandWindow, Duration nopInInterval,
                                  Duration nopInTimeout, Duration loginTimeout, Duration shutdownGrace,
                                  Clock clock) {

    public IscsiServerSettings {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(nopInInterval, "nopInInterval");
        Objects.requireNonNull(nopInTimeout, "nopInTimeout");
        Objects.requireNonNull(loginTimeout, "loginTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(clock, "clock");
        if (commandWindow < 1 || commandWindow > 65536) {
            throw new IllegalArgumentException("commandWindow must be 1..65536 commands: " + commandWindow);
        }
        if (nopInInterval.isNegative()) {
            throw new IllegalArgumentException("nopInInterval must be zero (off) or positive: " + nopInInterval);
        }
        if (nopInTimeout.isNegative() || nopInTimeout.isZero()) {
            throw new IllegalArgumentException("nopInTimeout must be positive: " + nopInTimeout);
        }
        if (loginTimeout.isNegative() || loginTimeout.isZero()) {
            throw new IllegalArgumentException("loginTimeout must be positive: " + loginTimeout);
        }
        if (shutdownGrace.isNegative() || shutdownGrace.compareTo(Duration.ofSeconds(0xFFFF)) > 0) {
            throw new IllegalArgumentException("shutdownGrace must be 0..65535 s (the Async Message field): "
                    + shutdownGrace);
        }
    }

    public static IscsiServerSettings defaults() {
        return new IscsiServerSettings(TargetLimits.defaults(), 256, Duration.ofSeconds(5), Duration.ofSeconds(15),
                Duration.ofSeconds(15), Duration.ofSeconds(2), Clock.systemUTC());
    }

    SessionSettings sessionSettings() {
        return new SessionSettings(limits, commandWindow, nopInInterval, nopInTimeout, loginTimeout, clock);
    }
}
