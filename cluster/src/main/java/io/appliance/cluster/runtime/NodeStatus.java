package io.appliance.cluster.runtime;

import io.appliance.config.cluster.NodeRole;

/** One configured node as the local node sees it; {@code state}: online, standby, offline, UNCLEAN (offline), pending, config mismatch. */
public record NodeStatus(String name, NodeRole role, int votes, String state, String detail) {
}
