package io.appliance.config.cluster;

/**
 * How quorum is counted and what a node without it does. {@link QuorumMode#TWO_NODE} needs exactly two
 * storage nodes with one vote each, no witness, and fencing with a device for each node (checked by
 * {@link ClusterDefinition}).
 *
 * @param mode majority of all votes, or two_node
 * @param waitForAll not quorate after start until every configured node has been seen once (corosync's
 *     wait_for_all; recommended with two_node)
 * @param noQuorumPolicy what a node without quorum does
 */
public record QuorumOptions(QuorumMode mode, boolean waitForAll, NoQuorumPolicy noQuorumPolicy) {

    public QuorumOptions {
        Checks.notNull(mode, "mode");
        Checks.notNull(noQuorumPolicy, "noQuorumPolicy");
    }

    /** MAJORITY, no wait for all, STOP. */
    public static QuorumOptions defaults() {
        return new QuorumOptions(QuorumMode.MAJORITY, false, NoQuorumPolicy.STOP);
    }
}
