package io.appliance.config.cluster;

/** Pacemaker's {@code on-fail} of an operation. YAML lower case. */
public enum OnFail {
    IGNORE, BLOCK, STOP, RESTART, STANDBY, FENCE
}
