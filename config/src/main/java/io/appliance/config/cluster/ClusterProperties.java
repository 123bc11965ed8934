package io.appliance.config.cluster;

import java.time.Duration;

/**
 * Pacemaker cluster properties (YAML keys {@code resource-stickiness}, {@code migration-threshold},
 * {@code failure-timeout}, {@code maintenance-mode}, {@code start-failure-is-fatal}, {@code symmetric-cluster}).
 *
 * @param resourceStickiness default stickiness of each primitive
 * @param migrationThreshold default failures on a node before a resource is banned there (&gt;= 1;
 *     {@link Integer#MAX_VALUE} = INFINITY: never)
 * @param failureTimeout default age after which failures are forgotten (ZERO = never)
 * @param maintenanceMode true = no starts or stops, monitors still run
 * @param startFailureIsFatal true = a failed start bans the resource from that node (fail-count INFINITY)
 * @param symmetricCluster false = resources run only on nodes with a positive location score
 */
public record ClusterProperties(Score resourceStickiness, int migrationThreshold, Duration failureTimeout,
        boolean maintenanceMode, boolean startFailureIsFatal, boolean symmetricCluster) {

    public ClusterProperties {
        Checks.notNull(resourceStickiness, "resource-stickiness");
        Checks.require(migrationThreshold >= 1, "migration-threshold",
                "migration-threshold " + migrationThreshold + " must be at least 1 (INFINITY: never migrate)");
        Checks.notNull(failureTimeout, "failure-timeout");
        Checks.require(!failureTimeout.isNegative(), "failure-timeout", "failure-timeout must not be negative");
    }

    /** Stickiness 0, migration-threshold INFINITY, failure-timeout never, no maintenance, start failure fatal, symmetric. */
    public static ClusterProperties defaults() {
        return new ClusterProperties(Score.ZERO, Integer.MAX_VALUE, Duration.ZERO, false, true, true);
    }
}
