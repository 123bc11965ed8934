package io.appliance.cluster.runtime;

import io.appliance.cluster.placement.QuorumState;
import java.util.List;

/** A snapshot of the cluster as the local node sees it (for REST, the CLI and {@link CrmMonRenderer}). */
public record ClusterStatus(String localNode, String coordinator, boolean quorate, QuorumState quorum, long viewId,
        List<NodeStatus> nodes, List<ResourceStatus> resources, List<FailureRecord> failures,
        List<FenceRecord> fencing, boolean maintenance, long adminVersion) {

    public ClusterStatus {
        nodes = List.copyOf(nodes);
        resources = List.copyOf(resources);
        failures = List.copyOf(failures);
        fencing = List.copyOf(fencing);
    }
}
