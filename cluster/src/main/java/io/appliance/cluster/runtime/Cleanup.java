package io.appliance.cluster.runtime;

/** Forget the failures of {@code resource} on {@code node} (null = every node) and probe it again. */
public record Cleanup(String resource, String node) implements ClusterMessage {
}
