package io.appliance.cluster.fence;

/** How a fencing attempt (with its retries) ended. */
public enum FenceOutcome {
    SUCCESS,
    FAILED,
    TIMED_OUT
}
