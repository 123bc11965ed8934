package io.appliance.cluster.placement;

import io.appliance.config.cluster.LocationConstraint;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The administrator's runtime changes, kept apart from the configuration and versioned: when nodes meet,
 * the highest version wins. Every {@code with...} method returns a copy with {@code version + 1}.
 *
 * @param version         increases by one with every change
 * @param standbyNodes    nodes that run no resources
 * @param cliConstraints  location constraints from {@code move}/{@code ban}: ids {@code cli-prefer-<rsc>}
 *                        (INFINITY) and {@code cli-ban-<rsc>-on-<node>} (-INFINITY)
 * @param maintenanceMode no starts or stops anywhere; monitors still report
 */
public record AdminState(long version, Set<String> standbyNodes, List<LocationConstraint> cliConstraints,
        boolean maintenanceMode) {

    public AdminState {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        standbyNodes = Set.copyOf(standbyNodes);
        cliConstraints = List.copyOf(cliConstraints);
    }

    /** Version 0: no standby node, no cli constraint, not in maintenance. */
    public static AdminState initial() {
        return new AdminState(0, Set.of(), List.of(), false);
    }

    /** Puts {@code node} in standby ({@code true}) or back online ({@code false}). */
    public AdminState withStandby(String node, boolean standby) {
        Objects.requireNonNull(node, "node");
        Set<String> nodes = new LinkedHashSet<>(standbyNodes);
        if (standby) {
            nodes.add(node);
        } else {
            nodes.remove(node);
        }
        return new AdminState(version + 1, nodes, cliConstraints, maintenanceMode);
    }

    /** Adds {@code constraint}, replacing a cli constraint with the same id. */
    public AdminState withCliConstraint(LocationConstraint constraint) {
        Objects.requireNonNull(constraint, "constraint");
        List<LocationConstraint> constraints = new ArrayList<>();
        for (LocationConstraint existing : cliConstraints) {
            if (!existing.id().equals(constraint.id())) {
                constraints.add(existing);
            }
        }
        constraints.add(constraint);
        return new AdminState(version + 1, standbyNodes, constraints, maintenanceMode);
    }

    /** Removes every cli constraint on {@code resource} (crm_resource --clear). */
    public AdminState withoutCliConstraints(String resource) {
        Objects.requireNonNull(resource, "resource");
        List<LocationConstraint> constraints = new ArrayList<>();
        for (LocationConstraint existing : cliConstraints) {
            if (!existing.resource().equals(resource)) {
                constraints.add(existing);
            }
        }
        return new AdminState(version + 1, standbyNodes, constraints, maintenanceMode);
    }

    /** Turns maintenance mode on or off. */
    public AdminState withMaintenance(boolean maintenance) {
        return new AdminState(version + 1, standbyNodes, cliConstraints, maintenance);
    }
}
