package io.appliance.cluster.runtime;

/** The last failed operation of a resource on a node. */
public record FailureInfo(String operation, String status, String reason, long atEpochMillis) {
}
