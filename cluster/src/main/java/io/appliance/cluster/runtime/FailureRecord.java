package io.appliance.cluster.runtime;

import io.appliance.cluster.agent.OcfStatus;
import java.time.Instant;

/** A failed operation, as "Failed Resource Actions" shows it. */
public record FailureRecord(String resource, String operation, String node, OcfStatus status, String reason,
        Instant at, int failCount, int migrationThreshold) {
}
