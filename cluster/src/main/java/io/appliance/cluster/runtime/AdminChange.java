package io.appliance.cluster.runtime;

/**
 * An operator's request, sent to the coordinator.
 *
 * @param resource the resource (MOVE, BAN, CLEAR, CLEANUP) or null
 * @param node     the node (STANDBY, ONLINE, MOVE, BAN, CLEANUP: null = every node) or null
 * @param enabled  for MAINTENANCE: on or off
 */
public record AdminChange(Kind kind, String resource, String node, boolean enabled, String requestId)
        implements ClusterMessage {

    public enum Kind { STANDBY, ONLINE, MOVE, BAN, CLEAR, CLEANUP, MAINTENANCE }
}
