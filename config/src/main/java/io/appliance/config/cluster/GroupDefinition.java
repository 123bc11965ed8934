package io.appliance.config.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A group: primitives that run on one node, started in list order and stopped in reverse order.
 *
 * @param id unique among all resource and constraint ids
 * @param members at least one primitive id, each once (existence checked by {@link ResourceConfiguration})
 * @param meta meta attributes of the group (a member's own meta attribute wins for that member)
 */
public record GroupDefinition(String id, List<String> members, ResourceMeta meta) {

    public GroupDefinition {
        PrimitiveDefinition.checkId(id, "id", "group id");
        Checks.notNull(members, "members");
        Checks.require(!members.isEmpty(), "members", "group " + id + " needs at least one member");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            PrimitiveDefinition.checkId(members.get(i), "members[" + i + "]", "member");
            Checks.require(seen.add(members.get(i)), "members[" + i + "]",
                    "group " + id + ": member " + members.get(i) + " is listed twice");
        }
        members = List.copyOf(members);
        Checks.notNull(meta, "meta");
    }
}
