package io.appliance.config.cluster;

/** Pacemaker's {@code target-role} meta attribute. */
public enum TargetRole {
    STARTED, STOPPED
}
