package io.appliance.node.cluster;

import io.appliance.cluster.jgroups.RingStatus;
import io.appliance.cluster.runtime.AdminChange;
import io.appliance.cluster.runtime.ClusterEvent;
import io.appliance.cluster.runtime.ClusterStatus;
import io.appliance.config.cluster.ClusterDefinition;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What the REST API needs of the running cluster stack (the {@link ClusterManager} in production,
 * a fake in tests). Contract: thread safe; {@link #status} waits at most a few seconds.
 */
public interface ClusterOperations {

    /** The configuration the cluster runs with. */
    ClusterDefinition definition();

    /** A snapshot of the cluster as this node sees it. */
    ClusterStatus status();

    /** The heartbeat rings as this node sees them (what {@code corosync-cfgtool -s} shows). */
    List<RingStatus> rings();

    /** crm_mon style text of {@link #status}. */
    String statusText(Instant now);

    /**
     * Sends an admin change to the coordinator.
     *
     * @return completes with the admin state's version once the coordinator applied the change and
     *         this node saw it; fails with {@link ClusterException.Unavailable} when no coordinator with
     *         quorum applied it in time
     */
    CompletionStage<Long> change(AdminChange.Kind kind, String resource, String node, boolean enabled);

    /** Calls {@code listener} for every cluster event until the returned handle is closed. */
    AutoCloseable subscribe(Consumer<ClusterEvent> listener);
}
