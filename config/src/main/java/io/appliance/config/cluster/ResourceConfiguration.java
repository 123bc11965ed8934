package io.appliance.config.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the cluster runs and the rules of where and in which order (Pacemaker's CIB resources and constraints).
 * Rules checked here (field paths relative to {@code resources}):
 * <ul>
 *   <li>ids are unique across primitives, groups and constraints;
 *   <li>group members exist, are primitives and belong to one group only;
 *   <li>constraints name existing primitives or groups (their nodes are checked by {@link ClusterDefinition});
 *   <li>order constraints, together with the order inside groups, have no cycle (the error shows it:
 *       {@code a -> b -> a});
 *   <li>no {@code -INFINITY} colocation between two members of one group, or between a member and its group.
 * </ul>
 *
 * @param primitives the resources
 * @param groups the groups over {@code primitives}
 * @param locations node preferences
 * @param colocations placement relative to each other
 * @param orders start/stop order between resources
 * @param properties the cluster-wide defaults
 */
public record ResourceConfiguration(List<PrimitiveDefinition> primitives, List<GroupDefinition> groups,
        List<LocationConstraint> locations, List<ColocationConstraint> colocations,
        List<OrderConstraint> orders, ClusterProperties properties) {

    public ResourceConfiguration {
        primitives = copy(primitives, "primitives");
        groups = copy(groups, "groups");
        locations = copy(locations, "locations");
        colocations = copy(colocations, "colocations");
        orders = copy(orders, "orders");
        Checks.notNull(properties, "properties");
        checkIds(primitives, groups, locations, colocations, orders);
        Map<String, String> groupOfMember = checkGroups(primitives, groups);
        checkReferences(primitives, groups, locations, colocations, orders);
        checkColocations(groups, colocations, groupOfMember);
        OrderCycles.check(groups, orders);
    }

    /** No resources, default properties. */
    public static ResourceConfiguration empty() {
        return new ResourceConfiguration(List.of(), List.of(), List.of(), List.of(), List.of(), ClusterProperties.defaults());
    }

    /** The primitive called {@code id}. */
    public Optional<PrimitiveDefinition> primitive(String id) {
        return primitives.stream().filter(primitive -> primitive.id().equals(id)).findFirst();
    }

    /** The group called {@code id}. */
    public Optional<GroupDefinition> group(String id) {
        return groups.stream().filter(group -> group.id().equals(id)).findFirst();
    }

    /** The group that {@code primitiveId} is a member of. */
    public Optional<GroupDefinition> groupOf(String primitiveId) {
        return groups.stream().filter(group -> group.members().contains(primitiveId)).findFirst();
    }

    /**
     * The units of placement (group ids and ids of primitives in no group) in definition order: each primitive,
     * in the order of {@code primitives}, contributes its own id when it is in no group, or its group's id
     * the first time a member of that group appears.
     */
    public List<String> units() {
        List<String> units = new ArrayList<>();
        for (PrimitiveDefinition primitive : primitives) {
            String unit = groupOf(primitive.id()).map(GroupDefinition::id).orElse(primitive.id());
            if (!units.contains(unit)) {
                units.add(unit);
            }
        }
        return List.copyOf(units);
    }

    /**
     * The primitives of a unit in start order: a group's members, or the primitive itself.
     *
     * @throws IllegalArgumentException if {@code unitId} is neither a group nor a primitive
     */
    public List<String> membersOf(String unitId) {
        Optional<GroupDefinition> group = group(unitId);
        if (group.isPresent()) {
            return group.get().members();
        }
        if (primitive(unitId).isPresent()) {
            return List.of(unitId);
        }
        throw new IllegalArgumentException("no resource or group called " + unitId);
    }

    private static <T> List<T> copy(List<T> list, String field) {
        Checks.notNull(list, field);
        for (int i = 0; i < list.size(); i++) {
            Checks.notNull(list.get(i), field + "[" + i + "]");
        }
        return List.copyOf(list);
    }

    private static void checkIds(List<PrimitiveDefinition> primitives, List<GroupDefinition> groups,
            List<LocationConstraint> locations, List<ColocationConstraint> colocations, List<OrderConstraint> orders) {
        Map<String, String> owners = new HashMap<>();
        for (int i = 0; i < primitives.size(); i++) {
            claim(owners, primitives.get(i).id(), "primitives[" + i + "].id");
        }
        for (int i = 0; i < groups.size(); i++) {
            claim(owners, groups.get(i).id(), "groups[" + i + "].id");
        }
        for (int i = 0; i < locations.size(); i++) {
            claim(owners, locations.get(i).id(), "locations[" + i + "].id");
        }
        for (int i = 0; i < colocations.size(); i++) {
            claim(owners, colocations.get(i).id(), "colocations[" + i + "].id");
        }
        for (int i = 0; i < orders.size(); i++) {
            claim(owners, orders.get(i).id(), "orders[" + i + "].id");
        }
    }

    private static void claim(Map<String, String> owners, String id, String field) {
        String previous = owners.putIfAbsent(id, field);
        Checks.require(previous == null, field, "id '" + id + "' is already used by " + previous
                + ": ids must be unique across primitives, groups and constraints");
    }

    private static Map<String, String> checkGroups(List<PrimitiveDefinition> primitives, List<GroupDefinition> groups) {
        Map<String, String> groupOfMember = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            GroupDefinition group = groups.get(g);
            for (int m = 0; m < group.members().size(); m++) {
                String member = group.members().get(m);
                String field = "groups[" + g + "].members[" + m + "]";
                boolean isGroup = groups.stream().anyMatch(other -> other.id().equals(member));
                Checks.require(!isGroup, field, "group " + group.id() + ": member " + member
                        + " is a group; groups cannot contain groups");
                Checks.require(primitives.stream().anyMatch(primitive -> primitive.id().equals(member)), field,
                        "group " + group.id() + ": member " + member + " is not a defined primitive");
                String previous = groupOfMember.putIfAbsent(member, group.id());
                Checks.require(previous == null, field, "group " + group.id() + ": member " + member
                        + " is already a member of group " + previous + " (a primitive belongs to one group only)");
            }
        }
        return groupOfMember;
    }

    private static void checkReferences(List<PrimitiveDefinition> primitives, List<GroupDefinition> groups,
            List<LocationConstraint> locations, List<ColocationConstraint> colocations, List<OrderConstraint> orders) {
        for (int i = 0; i < locations.size(); i++) {
            exists(primitives, groups, locations.get(i).resource(), "locations[" + i + "].resource", locations.get(i).id());
        }
        for (int i = 0; i < colocations.size(); i++) {
            exists(primitives, groups, colocations.get(i).resource(), "colocations[" + i + "].resource", colocations.get(i).id());
            exists(primitives, groups, colocations.get(i).withResource(), "colocations[" + i + "].withResource",
                    colocations.get(i).id());
        }
        for (int i = 0; i < orders.size(); i++) {
            exists(primitives, groups, orders.get(i).first(), "orders[" + i + "].first", orders.get(i).id());
            exists(primitives, groups, orders.get(i).then(), "orders[" + i + "].then", orders.get(i).id());
        }
    }

    private static void exists(List<PrimitiveDefinition> primitives, List<GroupDefinition> groups, String id,
            String field, String constraint) {
        boolean found = primitives.stream().anyMatch(primitive -> primitive.id().equals(id))
                || groups.stream().anyMatch(group -> group.id().equals(id));
        Checks.require(found, field, "constraint " + constraint + ": no primitive or group called '" + id + "'");
    }

    private static void checkColocations(List<GroupDefinition> groups, List<ColocationConstraint> colocations,
            Map<String, String> groupOfMember) {
        for (int i = 0; i < colocations.size(); i++) {
            ColocationConstraint colocation = colocations.get(i);
            if (!colocation.score().isMinusInfinity()) {
                continue;
            }
            String first = colocation.resource();
            String second = colocation.withResource();
            String firstGroup = groupOfMember.get(first);
            String secondGroup = groupOfMember.get(second);
            if (firstGroup != null && firstGroup.equals(secondGroup)) {
                throw new ClusterDefinitionException("colocations[" + i + "]", "group " + firstGroup + ": members "
                        + first + " and " + second + " can never run together (colocation " + colocation.id()
                        + " is -INFINITY); remove the constraint or one of them from the group");
            }
            if (second.equals(firstGroup) || first.equals(secondGroup)) {
                String group = second.equals(firstGroup) ? second : first;
                String member = second.equals(firstGroup) ? first : second;
                throw new ClusterDefinitionException("colocations[" + i + "]", "group " + group + ": member " + member
                        + " can never run with its own group (colocation " + colocation.id() + " is -INFINITY)");
            }
        }
    }
}
