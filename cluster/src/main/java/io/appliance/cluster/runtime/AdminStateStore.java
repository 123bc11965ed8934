package io.appliance.cluster.runtime;

import io.appliance.cluster.placement.AdminState;

/** Persists the cluster's admin state (standby nodes, move/ban constraints, maintenance). */
public interface AdminStateStore {

    /** The saved state, or an empty state of version 0 when nothing was saved. */
    AdminState load();

    void save(AdminState state);
}
