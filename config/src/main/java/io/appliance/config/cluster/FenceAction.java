package io.appliance.config.cluster;

/** What a fence device does to a lost node (Pacemaker's {@code stonith-action}). */
public enum FenceAction {
    REBOOT, OFF
}
