package io.appliance.cluster.runtime;

import java.time.Instant;

/**
 * Something an operator may want to see in the cluster's event log.
 *
 * @param kind one of {@code view, quorum, node, decision, resource, fence, admin, warn}
 */
public record ClusterEvent(Instant at, String kind, String subject, String detail) {

    @Override
    public String toString() {
        return at + " " + kind + " " + subject + " " + detail;
    }
}
