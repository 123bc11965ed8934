package io.appliance.cluster.runtime;

import io.appliance.cluster.placement.AdminState;
import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.Score;
import java.util.HashSet;
import java.util.List;

/**
 * The admin state, broadcast by the coordinator after a change (and by any node that sees a peer with an older
 * version): every node keeps the highest version. Flat fields so that the wire format does not depend on the
 * config records' JSON shape.
 *
 * @param requestIds the {@link AdminChange#requestId()}s the sender knows to be applied in this version or
 *                   before (the latest few), so that a node that missed the first broadcast (it was briefly
 *                   out of the view) can still answer its caller when the state reaches it again
 */
public record AdminUpdate(long version, List<String> standbyNodes, List<CliConstraint> constraints,
        boolean maintenanceMode, List<String> requestIds) implements ClusterMessage {

    /** A move/ban constraint as it travels. */
    public record CliConstraint(String id, String resource, String node, long score) {
    }

    public AdminUpdate {
        standbyNodes = standbyNodes == null ? List.of() : List.copyOf(standbyNodes);
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        requestIds = requestIds == null ? List.of() : List.copyOf(requestIds);
    }

    public static AdminUpdate of(AdminState state, List<String> requestIds) {
        return new AdminUpdate(state.version(), state.standbyNodes().stream().sorted().toList(),
                state.cliConstraints().stream()
                        .map(c -> new CliConstraint(c.id(), c.resource(), c.node(), c.score().value())).toList(),
                state.maintenanceMode(), requestIds);
    }

    public AdminState toState() {
        return new AdminState(version, new HashSet<>(standbyNodes),
                constraints.stream().map(c -> new LocationConstraint(c.id(), c.resource(), c.node(), Score.of(c.score())))
                        .toList(),
                maintenanceMode);
    }
}
