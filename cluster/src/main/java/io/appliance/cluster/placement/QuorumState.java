package io.appliance.cluster.placement;

import java.util.Objects;

/**
 * The outcome of one quorum evaluation.
 *
 * @param quorate     the node may run resources and, as the first member, coordinate
 * @param votes       votes of the configured nodes in the current view
 * @param neededVotes votes needed (majority of all configured votes; 1 for two-node)
 * @param reason      e.g. {@code "2 of 3 votes, 2 needed"}
 */
public record QuorumState(boolean quorate, int votes, int neededVotes, String reason) {

    public QuorumState {
        Objects.requireNonNull(reason, "reason");
    }
}
