package io.appliance.cluster.placement;

import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterProperties;
import io.appliance.config.cluster.ColocationConstraint;
import io.appliance.config.cluster.GroupDefinition;
import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.ResourceConfiguration;
import io.appliance.config.cluster.ResourceMeta;
import io.appliance.config.cluster.ResourceTypes;
import io.appliance.config.cluster.Score;
import io.appliance.config.cluster.TargetRole;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Computes where every unit (a group, or a primitive outside any group) should run. A pure function of its
 * {@link PlacementInput}: no clock, no I/O, the same input always gives the same output. These are
 * Pacemaker's rules, simplified, and they are the contract:
 *
 * <ol>
 *   <li><b>Unmanaged</b>: in maintenance mode (admin state or the {@code maintenance-mode} property), or when the
 *       unit or one of its members has {@code managed=false}, the unit keeps the member node where one of its
 *       members runs (STARTED/STARTING first, else any state but STOPPED), or none.</li>
 *   <li><b>target-role=Stopped</b> on the unit or any member: the unit runs nowhere.</li>
 *   <li><b>Candidates</b>: configured nodes that are members of the quorate view, have the STORAGE role, are not
 *       in standby (admin state or their facts) and whose configuration matches. Others score -INFINITY.</li>
 *   <li><b>Score</b>(unit, node) = the sum of the location constraints (configured and cli) naming the unit or
 *       any member on that node, + stickiness of every member running (STARTED/STARTING) there (a member's
 *       {@code resource-stickiness} meta, else its group's, else the cluster property), + colocation scores.
 *       Sums saturate: -INFINITY plus anything stays -INFINITY.</li>
 *   <li><b>Colocation</b>: units are placed with-units first (a cycle is broken in configuration order and the
 *       constraint whose with-unit is not placed yet is ignored). For "unit with W, score s": +INFINITY forbids
 *       every node but W's (every node when W runs nowhere); -INFINITY forbids W's node; a finite s is added to
 *       W's node. Colocation between members of one group is implied by the group and ignored.</li>
 *   <li><b>Forbidden</b> nodes: a member's fail count there is &gt;= its migration-threshold (meta, else group's,
 *       else the property; a fail count of {@link Integer#MAX_VALUE} is INFINITY and
 *       reaches every threshold); a {@code replicated-disk} member's node
 *       attribute {@code replicated-disk:<resource>} there is not {@code UpToDate}, unless that member is
 *       already STARTED there (a running Primary stays); with {@code symmetric-cluster=false}, nodes where
 *       the location sum is not positive.</li>
 *   <li><b>Choice</b>: the highest score &gt;= 0 among allowed nodes; ties go to the node already running the
 *       unit, then the node with fewer units placed so far in this run, then configuration order. No such node
 *       = the unit runs nowhere and the explanation lists each node's reason.</li>
 * </ol>
 */
public final class PlacementEngine {

    private static final Score MINUS_INFINITY = Score.MINUS_INFINITY;
    private static final Score ZERO = Score.ZERO;
    private static final String DISK_ATTRIBUTE_PREFIX = "replicated-disk:";
    private static final String UP_TO_DATE = "UpToDate";

    /** Places every unit of {@code input.resources()}; the map is in configuration order of the units. */
    public Map<String, UnitPlacement> place(PlacementInput input) {
        return new Run(input).placeAll();
    }

    /** One placement computation; holds what was placed so far. */
    private static final class Run {
        private final PlacementInput input;
        private final ResourceConfiguration resources;
        private final ClusterProperties properties;
        private final Map<String, PrimitiveDefinition> primitives = new HashMap<>();
        private final Map<String, GroupDefinition> groups = new HashMap<>();
        private final Map<String, UnitPlacement> placed = new HashMap<>();
        private final Map<String, Integer> unitsPerNode = new HashMap<>();

        Run(PlacementInput input) {
            this.input = input;
            this.resources = input.resources();
            this.properties = resources.properties();
            for (PrimitiveDefinition primitive : resources.primitives()) {
                primitives.put(primitive.id(), primitive);
            }
            for (GroupDefinition group : resources.groups()) {
                groups.put(group.id(), group);
            }
        }

        Map<String, UnitPlacement> placeAll() {
            for (String unit : colocationOrder()) {
                UnitPlacement placement = placeUnit(unit);
                placed.put(unit, placement);
                placement.node().ifPresent(node -> unitsPerNode.merge(node, 1, Integer::sum));
            }
            Map<String, UnitPlacement> result = new LinkedHashMap<>();
            for (String unit : resources.units()) {
                result.put(unit, placed.get(unit));
            }
            return Collections.unmodifiableMap(result);
        }

        /** The unit a resource id belongs to: its group for a group member, else itself. */
        private String unitOf(String resourceId) {
            return resources.groupOf(resourceId).map(GroupDefinition::id).orElse(resourceId);
        }

        /** Units ordered so that every colocation's with-unit comes first; cycles broken in configuration order. */
        private List<String> colocationOrder() {
            List<String> units = resources.units();
            Map<String, Set<String>> withUnits = new HashMap<>();
            for (String unit : units) {
                withUnits.put(unit, new LinkedHashSet<>());
            }
            for (ColocationConstraint colocation : resources.colocations()) {
                String unit = unitOf(colocation.resource());
                String with = unitOf(colocation.withResource());
                if (!unit.equals(with) && withUnits.containsKey(unit) && withUnits.containsKey(with)) {
                    withUnits.get(unit).add(with);
                }
            }
            List<String> order = new ArrayList<>();
            Set<String> remaining = new LinkedHashSet<>(units);
            while (!remaining.isEmpty()) {
                String next = remaining.stream()
                        .filter(unit -> order.containsAll(withUnits.get(unit)))
                        .findFirst()
                        .orElse(remaining.iterator().next());
                order.add(next);
                remaining.remove(next);
            }
            return order;
        }

        private UnitPlacement placeUnit(String unit) {
            List<PrimitiveDefinition> members = new ArrayList<>();
            for (String memberId : resources.membersOf(unit)) {
                members.add(primitives.get(memberId));
            }
            Optional<GroupDefinition> group = Optional.ofNullable(groups.get(unit));
            List<ResourceMeta> metas = new ArrayList<>();
            group.ifPresent(g -> metas.add(g.meta()));
            members.forEach(member -> metas.add(member.meta()));

            if (input.admin().maintenanceMode() || properties.maintenanceMode()) {
                return keepCurrent(unit, members, "maintenance mode");
            }
            if (metas.stream().anyMatch(meta -> !meta.managed())) {
                return keepCurrent(unit, members, "unmanaged");
            }
            Optional<String> stoppedBy = group.filter(g -> g.meta().targetRole() == TargetRole.STOPPED)
                    .map(GroupDefinition::id)
                    .or(() -> members.stream()
                            .filter(member -> member.meta().targetRole() == TargetRole.STOPPED)
                            .map(PrimitiveDefinition::id)
                            .findFirst());
            if (stoppedBy.isPresent()) {
                return new UnitPlacement(unit, Optional.empty(), Map.of(), "target-role=Stopped on " + stoppedBy.get());
            }
            return scoreAndChoose(unit, group, members);
        }

        private UnitPlacement keepCurrent(String unit, List<PrimitiveDefinition> members, String why) {
            Optional<String> current = currentNode(members, true).or(() -> currentNode(members, false));
            String explanation = current
                    .map(node -> why + ": stays on " + node)
                    .orElse(why + ": not active on any node, nothing is started");
            return new UnitPlacement(unit, current, Map.of(), explanation);
        }

        /** The first member node (configuration order) where a member runs, or (runningOnly false) is not STOPPED. */
        private Optional<String> currentNode(List<PrimitiveDefinition> members, boolean runningOnly) {
            for (ClusterNodeDefinition node : input.nodes()) {
                NodeFacts facts = input.facts().get(node.name());
                if (facts == null || !facts.member()) {
                    continue;
                }
                for (PrimitiveDefinition member : members) {
                    LocalState state = facts.state(member.id());
                    if (runningOnly ? state.running() : state.possiblyActive()) {
                        return Optional.of(node.name());
                    }
                }
            }
            return Optional.empty();
        }

        private UnitPlacement scoreAndChoose(String unit, Optional<GroupDefinition> group,
                List<PrimitiveDefinition> members) {
            Set<String> names = new LinkedHashSet<>();
            names.add(unit);
            members.forEach(member -> names.add(member.id()));

            Map<String, NodeScore> scored = new LinkedHashMap<>();
            for (ClusterNodeDefinition node : input.nodes()) {
                scored.put(node.name(), scoreNode(unit, group, members, names, node));
            }
            applyColocations(unit, scored);

            Map<String, Score> scores = new LinkedHashMap<>();
            scored.forEach((node, score) -> scores.put(node, score.allowed() ? score.score : MINUS_INFINITY));

            String best = null;
            for (ClusterNodeDefinition node : input.nodes()) {
                NodeScore candidate = scored.get(node.name());
                if (!candidate.allowed() || candidate.score.compareTo(ZERO) < 0) {
                    continue;
                }
                if (best == null || better(candidate, scored.get(best))) {
                    best = node.name();
                }
            }
            if (best == null) {
                List<String> reasons = new ArrayList<>();
                scored.values().forEach(score -> reasons.add(score.refusal()));
                return new UnitPlacement(unit, Optional.empty(), scores,
                        "cannot run anywhere: " + String.join("; ", reasons));
            }
            NodeScore chosen = scored.get(best);
            return new UnitPlacement(unit, Optional.of(best), scores,
                    best + " (score " + chosen.score + ": " + String.join(", ", chosen.parts) + ")");
        }

        /** Higher score; then already running there; then fewer units placed; earlier configured nodes win otherwise. */
        private boolean better(NodeScore candidate, NodeScore best) {
            int byScore = candidate.score.compareTo(best.score);
            if (byScore != 0) {
                return byScore > 0;
            }
            if (candidate.running != best.running) {
                return candidate.running;
            }
            return unitsPerNode.getOrDefault(candidate.node, 0) < unitsPerNode.getOrDefault(best.node, 0);
        }

        private NodeScore scoreNode(String unit, Optional<GroupDefinition> group, List<PrimitiveDefinition> members,
                Set<String> names, ClusterNodeDefinition node) {
            NodeScore result = new NodeScore(node.name());
            NodeFacts facts = input.facts().get(node.name());
            if (node.role() == NodeRole.WITNESS) {
                return result.refuse(node.name() + " is a witness (never runs resources)");
            }
            if (facts == null || !facts.member()) {
                return result.refuse(node.name() + " offline");
            }
            if (facts.role() == NodeRole.WITNESS) {
                return result.refuse(node.name() + " is a witness (never runs resources)");
            }
            if (input.admin().standbyNodes().contains(node.name()) || facts.standby()) {
                return result.refuse(node.name() + " standby");
            }
            if (!facts.configMatches()) {
                return result.refuse(node.name() + " configuration differs from the coordinator's");
            }

            Score location = ZERO;
            List<LocationConstraint> locations = new ArrayList<>(resources.locations());
            locations.addAll(input.admin().cliConstraints());
            for (LocationConstraint constraint : locations) {
                if (names.contains(constraint.resource()) && constraint.node().equals(node.name())) {
                    location = location.plus(constraint.score());
                }
            }
            result.add(location, "location " + location);
            if (!properties.symmetricCluster() && location.compareTo(ZERO) <= 0) {
                result.refuse("symmetric-cluster=false and no positive location for " + unit + " on " + node.name());
            }

            Score stickiness = ZERO;
            for (PrimitiveDefinition member : members) {
                if (facts.state(member.id()).running()) {
                    result.running = true;
                    stickiness = stickiness.plus(stickinessOf(member, group));
                }
            }
            result.add(stickiness, "stickiness " + stickiness);

            for (PrimitiveDefinition member : members) {
                int failCount = facts.failCount(member.id());
                int threshold = migrationThresholdOf(member, group);
                if (failCount >= threshold) {
                    result.refuse("fail-count " + count(failCount) + " >= migration-threshold " + count(threshold)
                            + " on " + node.name() + " (" + member.id() + ")");
                }
                if (ResourceTypes.REPLICATED_DISK.equals(member.type()) && facts.state(member.id()) != LocalState.STARTED) {
                    String disk = member.params().getOrDefault("resource", member.id());
                    String diskState = facts.attributes().getOrDefault(DISK_ATTRIBUTE_PREFIX + disk, "unknown");
                    if (!UP_TO_DATE.equals(diskState)) {
                        result.refuse(disk + " disk not UpToDate on " + node.name() + " (" + diskState + ")");
                    }
                }
            }
            return result;
        }

        private void applyColocations(String unit, Map<String, NodeScore> scored) {
            for (ColocationConstraint colocation : resources.colocations()) {
                String with = unitOf(colocation.withResource());
                if (!unitOf(colocation.resource()).equals(unit) || with.equals(unit) || !placed.containsKey(with)) {
                    continue;
                }
                Optional<String> withNode = placed.get(with).node();
                Score score = colocation.score();
                for (NodeScore node : scored.values()) {
                    boolean onWithNode = withNode.isPresent() && withNode.get().equals(node.node);
                    if (score.isInfinity() && !onWithNode) {
                        node.refuse(withNode
                                .map(other -> unit + " must run with " + with + " (on " + other + ")")
                                .orElse(unit + " must run with " + with + ", which runs nowhere"));
                    } else if (score.isMinusInfinity() && onWithNode) {
                        node.refuse(unit + " must not run with " + with + " (on " + node.node + ")");
                    } else if (onWithNode && !score.isInfinity() && !score.isMinusInfinity()) {
                        node.add(score, "colocation with " + with + " " + score);
                    }
                }
            }
        }

        private Score stickinessOf(PrimitiveDefinition member, Optional<GroupDefinition> group) {
            return member.meta().stickiness()
                    .or(() -> group.flatMap(g -> g.meta().stickiness()))
                    .orElse(properties.resourceStickiness());
        }

        private int migrationThresholdOf(PrimitiveDefinition member, Optional<GroupDefinition> group) {
            if (member.meta().migrationThreshold().isPresent()) {
                return member.meta().migrationThreshold().getAsInt();
            }
            if (group.isPresent() && group.get().meta().migrationThreshold().isPresent()) {
                return group.get().meta().migrationThreshold().getAsInt();
            }
            return properties.migrationThreshold();
        }

        private static String count(int value) {
            return value == Integer.MAX_VALUE ? "INFINITY" : Integer.toString(value);
        }
    }

    /** One node's running score for one unit and why it may not run there. */
    private static final class NodeScore {
        final String node;
        Score score = ZERO;
        final List<String> parts = new ArrayList<>();
        final List<String> refusals = new ArrayList<>();
        boolean running;

        NodeScore(String node) {
            this.node = node;
        }

        NodeScore refuse(String reason) {
            refusals.add(reason);
            return this;
        }

        void add(Score value, String part) {
            score = score.plus(value);
            parts.add(part);
        }

        boolean allowed() {
            return refusals.isEmpty() && !score.isMinusInfinity();
        }

        String refusal() {
            if (!refusals.isEmpty()) {
                return String.join(", ", refusals);
            }
            return node + " score " + score + " (" + String.join(", ", parts) + ")";
        }
    }
}
