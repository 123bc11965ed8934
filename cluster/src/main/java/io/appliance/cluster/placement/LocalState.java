package io.appliance.cluster.placement;

/** What one node reports about one primitive it manages. */
public enum LocalState {
    STOPPED,
    STARTING,
    STARTED,
    STOPPING,
    FAILED,
    STOP_FAILED,
    UNKNOWN;

    /** Anything but {@link #STOPPED}: the resource may still hold its address, disk or port there. */
    public boolean possiblyActive() {
        return this != STOPPED;
    }

    /** {@link #STARTED} or {@link #STARTING}: the node runs (or is bringing up) the resource. */
    public boolean running() {
        return this == STARTED || this == STARTING;
    }
}
