package io.appliance.cluster.runtime;

import io.appliance.cluster.agent.AgentResult;
import java.time.Duration;
import java.time.Instant;

/** The end of one agent operation run by the {@link LocalResourceManager}. */
public record OperationOutcome(String resourceId, String operation, AgentResult result, Instant finished, Duration took) {
}
