package io.appliance.cluster.placement;

import io.appliance.config.cluster.NodeRole;
import java.util.Map;
import java.util.Objects;

/**
 * What the coordinator knows about one configured node when it places resources.
 *
 * @param node          the configured node name
 * @param role          its configured role; a {@link NodeRole#WITNESS} never runs resources
 * @param member        in the coordinator's quorate view
 * @param clean         known not to run anything: a member, or a lost node that was fenced, passed the
 *                      watchdog timeout or left cleanly
 * @param standby       put in standby by an administrator
 * @param configMatches its configuration digest equals the coordinator's
 * @param resources     primitive id → the state the node last reported (absent = {@link LocalState#STOPPED})
 * @param failCounts    primitive id → current (non-expired) fail count on this node (absent = 0)
 * @param attributes    node attributes, e.g. {@code "replicated-disk:r0" → "UpToDate"}
 */
public record NodeFacts(String node, NodeRole role, boolean member, boolean clean, boolean standby,
        boolean configMatches, Map<String, LocalState> resources, Map<String, Integer> failCounts,
        Map<String, String> attributes) {

    public NodeFacts {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(role, "role");
        resources = Map.copyOf(resources);
        failCounts = Map.copyOf(failCounts);
        attributes = Map.copyOf(attributes);
    }

    /** A member storage node that reported nothing yet: online, clean, not standby, same configuration. */
    public static NodeFacts online(String node, NodeRole role) {
        return new NodeFacts(node, role, true, true, false, true, Map.of(), Map.of(), Map.of());
    }

    /** The reported state of one primitive, {@link LocalState#STOPPED} when not reported. */
    public LocalState state(String primitiveId) {
        return resources.getOrDefault(primitiveId, LocalState.STOPPED);
    }

    /** The fail count of one primitive on this node, 0 when none. */
    public int failCount(String primitiveId) {
        return failCounts.getOrDefault(primitiveId, 0);
    }
}
