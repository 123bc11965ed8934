package io.appliance.cluster.runtime;

import io.appliance.cluster.fence.FenceOutcome;
import java.time.Instant;

/** One fencing of a node, as the coordinator saw it; {@code at} is when the fencing was requested. */
public record FenceRecord(String node, FenceOutcome outcome, String detail, Instant at) {
}
