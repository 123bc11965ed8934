package io.appliance.cluster.runtime;

import io.appliance.cluster.agent.OcfStatus;
import io.appliance.cluster.fence.FenceOutcome;
import io.appliance.cluster.placement.AdminState;
import io.appliance.cluster.placement.LocalState;
import io.appliance.cluster.placement.QuorumState;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.GroupDefinition;
import io.appliance.config.cluster.PrimitiveDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@link ClusterStatus} snapshot from the runtime's state. */
final class StatusBuilder {

    private StatusBuilder() {
    }

    static ClusterStatus build(ClusterDefinition definition, ResourcePolicy policy, String localNode,
            MembershipView view, QuorumState quorum, boolean quorate, Map<String, NodeReport> reports,
            Map<String, LocalState> localStates, FailCounts localFailCounts, Coordinator coordinator,
            Decision followed, AdminState admin, Instant now, boolean isCoordinator) {
        Map<String, Map<String, ResourceReport>> byNode = new LinkedHashMap<>();
        for (ClusterNodeDefinition node : definition.nodes()) {
            boolean member = view != null && view.members().contains(node.name());
            if (node.name().equals(localNode)) {
                Map<String, ResourceReport> local = new LinkedHashMap<>();
                localStates.forEach((id, state) -> local.put(id, new ResourceReport(state, localFailCounts.count(id),
                        localFailCounts.lastFailure(id))));
                byNode.put(node.name(), local);
            } else if (member && reports.containsKey(node.name())) {
                byNode.put(node.name(), reports.get(node.name()).resources());
            }
        }
        List<NodeStatus> nodes = new ArrayList<>();
        for (ClusterNodeDefinition node : definition.nodes()) {
            String name = node.name();
            boolean member = view != null && view.members().contains(name);
            NodeReport report = reports.get(name);
            String state;
            String detail = "";
            if (!member) {
                boolean unclean = isCoordinator ? !coordinator.clean(name, now)
                        : followed != null && followed.notes().unclean().contains(name);
                state = unclean ? "UNCLEAN (offline)" : "offline";
                boolean fenced = isCoordinator ? coordinator.fenced(name)
                        : followed != null && followed.fencedNodes().contains(name);
                detail = fenced ? "fenced" : "";
            } else if (report != null && !report.configDigest().equals(definition.digest())) {
                state = "config mismatch";
                detail = "configuration differs from the coordinator's";
            } else if (report == null || !report.probed()) {
                state = "pending";
            } else if (admin.standbyNodes().contains(name)) {
                state = "standby";
            } else {
                state = "online";
            }
            nodes.add(new NodeStatus(name, node.role(), node.votes(), state, detail));
        }
        Decision decision = isCoordinator ? coordinator.current().orElse(followed) : followed;
        Map<String, String> explanations = isCoordinator ? coordinator.explanations()
                : followed == null ? Map.of() : followed.notes().explanations();
        List<ResourceStatus> resources = new ArrayList<>();
        List<FailureRecord> failures = new ArrayList<>();
        for (PrimitiveDefinition primitive : definition.resources().primitives()) {
            String id = primitive.id();
            String group = definition.resources().groupOf(id).map(GroupDefinition::id).orElse(null);
            Map<String, LocalState> states = new LinkedHashMap<>();
            Map<String, Integer> failCounts = new LinkedHashMap<>();
            byNode.forEach((node, resourceReports) -> {
                ResourceReport r = resourceReports.get(id);
                if (r == null) {
                    return;
                }
                states.put(node, r.state());
                if (r.failCount() > 0) {
                    failCounts.put(node, r.failCount());
                }
                if (r.lastFailure() != null) {
                    FailureInfo f = r.lastFailure();
                    failures.add(new FailureRecord(id, f.operation(), node, statusOf(f.status()), f.reason(),
                            Instant.ofEpochMilli(f.atEpochMillis()), r.failCount(), policy.migrationThreshold(id)));
                }
            });
            String explanation = explanations.getOrDefault(group == null ? id : group, "");
            resources.add(new ResourceStatus(id, primitive.type(), group,
                    decision == null ? null : decision.targets().get(id), states, failCounts,
                    summary(states, explanation), explanation));
        }
        String coordinatorName = view != null && quorate ? view.coordinator() : null;
        return new ClusterStatus(localNode, coordinatorName, quorate, quorum, view == null ? -1 : view.id(), nodes,
                resources, failures, isCoordinator ? coordinator.fenceRecords() : fenceRecords(followed),
                admin.maintenanceMode() || definition.resources().properties().maintenanceMode(), admin.version());
    }

    private static List<FenceRecord> fenceRecords(Decision followed) {
        if (followed == null) {
            return List.of();
        }
        return followed.notes().fencing().stream().map(note -> new FenceRecord(note.node(),
                FenceOutcome.valueOf(note.outcome()), note.detail(), Instant.ofEpochMilli(note.atEpochMillis())))
                .toList();
    }

    private static OcfStatus statusOf(String name) {
        try {
            return OcfStatus.valueOf(name);
        } catch (IllegalArgumentException e) {
            return OcfStatus.ERR_GENERIC;
        }
    }

    private static String summary(Map<String, LocalState> states, String explanation) {
        List<String> parts = new ArrayList<>();
        states.forEach((node, state) -> {
            switch (state) {
                case STARTED -> parts.add("Started " + node);
                case STARTING -> parts.add("Starting " + node);
                case STOPPING -> parts.add("Stopping " + node);
                case FAILED -> parts.add("FAILED " + node);
                case STOP_FAILED -> parts.add("FAILED " + node + " (stop failed)");
                case UNKNOWN -> parts.add("Unknown " + node);
                default -> { }
            }
        });
        if (!parts.isEmpty()) {
            return String.join(", ", parts);
        }
        return explanation.startsWith("blocked") ? "Stopped (" + explanation + ")" : "Stopped";
    }
}
