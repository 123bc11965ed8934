package io.appliance.config.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Pacemaker meta attributes of a primitive or group; an empty value falls back to the cluster property.
 *
 * @param stickiness {@code resource-stickiness}: preference to stay where it runs
 * @param migrationThreshold {@code migration-threshold}: failures on a node before it is banned there (&gt;= 1)
 * @param failureTimeout {@code failure-timeout}: failures older than this are forgotten (ZERO = never)
 * @param targetRole {@code target-role}: STOPPED keeps it stopped everywhere
 * @param managed {@code is-managed}: false = the cluster neither starts nor stops it (monitors still run)
 */
public record ResourceMeta(Optional<Score> stickiness, OptionalInt migrationThreshold,
        Optional<Duration> failureTimeout, TargetRole targetRole, boolean managed) {

    public ResourceMeta {
        Checks.notNull(stickiness, "stickiness");
        Checks.notNull(migrationThreshold, "migrationThreshold");
        Checks.notNull(failureTimeout, "failureTimeout");
        Checks.notNull(targetRole, "targetRole");
        migrationThreshold.ifPresent(threshold -> Checks.require(threshold >= 1, "migrationThreshold",
                "migration-threshold " + threshold + " must be at least 1"));
        failureTimeout.ifPresent(timeout -> Checks.require(!timeout.isNegative(), "failureTimeout",
                "failure-timeout must not be negative"));
    }

    /** All from the cluster properties, STARTED, managed. */
    public static ResourceMeta empty() {
        return new ResourceMeta(Optional.empty(), OptionalInt.empty(), Optional.empty(), TargetRole.STARTED, true);
    }
}
