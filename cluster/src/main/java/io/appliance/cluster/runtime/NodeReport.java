package io.appliance.cluster.runtime;

import java.util.Map;
import java.util.Objects;

/**
 * A node's state, broadcast every keepalive and at once on any change.
 *
 * @param incarnation random per process start: a new value means the node restarted
 * @param decisionRef the last decision the node applied, or null
 * @param probed      the initial probe (monitor of every resource) has finished
 * @param leaving     the node is shutting down cleanly; with everything STOPPED it is clean
 */
public record NodeReport(String node, long incarnation, long sequence, String configDigest, long adminVersion,
        DecisionRef decisionRef, Map<String, ResourceReport> resources, Map<String, String> attributes,
        boolean probed, boolean leaving, boolean quorate) implements ClusterMessage {

    public NodeReport {
        Objects.requireNonNull(node, "node");
        resources = resources == null ? Map.of() : Map.copyOf(resources);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
