package io.appliance.cluster.placement;

import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.QuorumMode;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a node has quorum. Pure: the caller tracks views, leases and whether every node was seen.
 *
 * <p>Contract:
 * <ul>
 *   <li>Votes count only for configured nodes; other names in the view or lease set are ignored.</li>
 *   <li>Needed votes = {@link ClusterDefinition#quorumVotes()}: a majority of all configured votes
 *       ({@code total / 2 + 1}), or 1 in {@link QuorumMode#TWO_NODE} mode.</li>
 *   <li>Quorate iff the view's votes reach the needed votes AND the lease holders' votes (nodes, the local one
 *       included, heard from within the last {@code deadtime}) reach them too: a node cut off loses quorum
 *       when its lease runs out even if its view did not change yet.</li>
 *   <li>With {@code waitForAll} (any mode; it matters for two-node, where one vote is enough) a node is not
 *       quorate until it has seen every configured node at once since it started.</li>
 * </ul>
 */
public final class QuorumCalculator {

    private final ClusterDefinition definition;

    public QuorumCalculator(ClusterDefinition definition) {
        this.definition = Objects.requireNonNull(definition, "definition");
    }

    /**
     * @param viewMembers     node names in the current membership view
     * @param leaseHolders    node names heard from within the last deadtime (the local node included)
     * @param everSawAllNodes every configured node was in one view at some time since this process started
     */
    public QuorumState evaluate(Set<String> viewMembers, Set<String> leaseHolders, boolean everSawAllNodes) {
        int needed = definition.quorumVotes();
        int total = definition.totalVotes();
        int viewVotes = votesOf(viewMembers);
        int leaseVotes = votesOf(leaseHolders);
        String count = viewVotes + " of " + total + " votes, " + needed + " needed";
        if (viewVotes < needed) {
            return new QuorumState(false, viewVotes, needed, count);
        }
        if (leaseVotes < needed) {
            return new QuorumState(false, viewVotes, needed,
                    count + "; lease expired: heard " + leaseVotes + " votes within deadtime");
        }
        if (definition.quorum().waitForAll() && !everSawAllNodes) {
            return new QuorumState(false, viewVotes, needed,
                    count + "; wait-for-all: not every node seen since start");
        }
        return new QuorumState(true, viewVotes, needed, count);
    }

    private int votesOf(Set<String> names) {
        int votes = 0;
        for (ClusterNodeDefinition node : definition.nodes()) {
            if (names.contains(node.name())) {
                votes += node.votes();
            }
        }
        return votes;
    }
}
