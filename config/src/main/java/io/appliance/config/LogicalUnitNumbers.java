package io.appliance.config;

import java.util.Optional;

/**
 * LUN numbers an operator may configure: 0..16383, the range of SAM-5's single-level flat space
 * addressing (14 bits), which every initiator understands.
 */
public final class LogicalUnitNumbers {

    public static final int MIN = 0;
    public static final int MAX = 16383;

    private LogicalUnitNumbers() {
    }

    /** Why {@code lun} cannot be configured, or empty when it can. */
    public static Optional<String> problem(long lun) {
        return lun < MIN || lun > MAX ? Optional.of("must be " + MIN + ".." + MAX) : Optional.empty();
    }
}
