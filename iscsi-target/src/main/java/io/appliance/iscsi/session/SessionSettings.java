package io.appliance.iscsi.session;

import io.appliance.iscsi.login.TargetLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What the session layer needs to know about the service: the limits offered in login, the
 * command window, and the connection timers.
 *
 * @param limits         offered and enforced in login negotiation
 * @param commandWindow  MaxCmdSN - ExpCmdSN + 1 with no task in flight (RFC 7143 §4.2.2.1)
 * @param nopInInterval  idle time before the target pings with a NOP-In; ZERO disables pings
 * @param nopInTimeout   time a ping may stay unanswered before the connection is dropped
 * @param loginTimeout   time the login phase may take before the connection is dropped
 * @param clock          decides when a timer has expired
 */
public record SessionSettings(TargetLimits limits, int commandWindow, Duration nopInInterval,
                              Duration nopInTimeout, Duration loginTimeout, Clock clock) {

    public SessionSettings {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(nopInInterval, "nopInInterval");
        Objects.requireNonNull(nopInTimeout, "nopInTimeout");
        Objects.requireNonNull(loginTimeout, "loginTimeout");
        Objects.requireNonNull(clock, "clock");
        if (commandWindow < 1 || commandWindow > 65536) {
            throw new IllegalArgumentException("commandWindow must be 1..65536: " + commandWindow);
        }
        if (nopInInterval.isNegative() || nopInTimeout.isNegative() || nopInTimeout.isZero()
                || loginTimeout.isNegative() || loginTimeout.isZero()) {
            throw new IllegalArgumentException("timers must be positive (nopInInterval may be zero)");
        }
    }

    boolean pingsEnabled() {
        return !nopInInterval.isZero();
    }
}
