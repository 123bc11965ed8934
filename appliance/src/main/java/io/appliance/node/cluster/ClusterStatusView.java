package io.appliance.node.cluster;

import io.appliance.cluster.runtime.ClusterStatus;
import io.appliance.cluster.runtime.FailureRecord;
import io.appliance.cluster.runtime.FenceRecord;
import io.appliance.cluster.runtime.NodeStatus;
import io.appliance.cluster.runtime.ResourceStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code GET /api/v1/cluster}: the JSON form of a {@link ClusterStatus}. */
public record ClusterStatusView(String localNode, String coordinator, boolean quorate, QuorumView quorum, long viewId,
        boolean maintenance, long adminVersion, List<NodeView> nodes, List<ResourceView> resources,
        List<FailureView> failures, List<FenceView> fencing) {

    public record QuorumView(int votes, int neededVotes, String reason) {
    }

    public record NodeView(String name, String role, int votes, String state, String detail) {
    }

    public record ResourceView(String id, String type, String group, String target, Map<String, String> states,
            Map<String, Integer> failCounts, String summary, String explanation) {
    }

    public record FailureView(String resource, String node, String operation, String status, int code, String reason,
            String at) {
    }

    public record FenceView(String node, String outcome, String detail, String at) {
    }

    public static ClusterStatusView of(ClusterStatus status) {
        return new ClusterStatusView(status.localNode(), status.coordinator(), status.quorate(),
                new QuorumView(status.quorum().votes(), status.quorum().neededVotes(), status.quorum().reason()),
                status.viewId(), status.maintenance(), status.adminVersion(),
                status.nodes().stream().map(ClusterStatusView::node).toList(),
                status.resources().stream().map(ClusterStatusView::resource).toList(),
                status.failures().stream().map(ClusterStatusView::failure).toList(),
                status.fencing().stream().map(ClusterStatusView::fence).toList());
    }

    private static NodeView node(NodeStatus node) {
        return new NodeView(node.name(), node.role().name().toLowerCase(Locale.ROOT), node.votes(), node.state(), node.detail());
    }

    private static ResourceView resource(ResourceStatus resource) {
        Map<String, String> states = new LinkedHashMap<>();
        resource.states().forEach((node, state) -> states.put(node, state.name()));
        return new ResourceView(resource.id(), resource.type(), resource.group(), resource.target(), states,
                new LinkedHashMap<>(resource.failCounts()), resource.summary(), resource.explanation());
    }

    private static FailureView failure(FailureRecord failure) {
        return new FailureView(failure.resource(), failure.node(), failure.operation(), failure.status().text(),
                failure.status().code(), failure.reason(), text(failure.at()));
    }

    private static FenceView fence(FenceRecord fence) {
        return new FenceView(fence.node(), fence.outcome().name(), fence.detail(), text(fence.at()));
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
