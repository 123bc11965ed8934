package io.appliance.cluster.runtime;

import io.appliance.cluster.placement.LocalState;

/** One resource in a {@link NodeReport}; {@code lastFailure} is null when there is none. */
public record ResourceReport(LocalState state, int failCount, FailureInfo lastFailure) {
}
