package io.appliance.config.cluster;

/** {@code MAJORITY}: more than half of all configured votes. {@code TWO_NODE}: one vote of two is enough (corosync's two_node), safe only with fencing. */
public enum QuorumMode {
    MAJORITY, TWO_NODE
}
