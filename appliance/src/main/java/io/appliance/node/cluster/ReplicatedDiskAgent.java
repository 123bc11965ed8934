package io.appliance.node.cluster;

import io.appliance.cluster.agent.AgentResult;
import io.appliance.cluster.agent.OcfStatus;
import io.appliance.cluster.agent.ResourceAgent;
import io.appliance.cluster.agent.ResourceAgentFactory;
import io.appliance.replication.ReplicatedResource;
import io.appliance.replication.ReplicationException;
import io.appliance.replication.state.Role;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code replicated-disk} resource (Heartbeat's {@code drbddisk}): the Primary role of one of
 * this node's replicated disks. The disk itself is up as Secondary on every storage node (the
 * replication module brings it up); the cluster only moves the Primary role.
 *
 * <ul>
 *   <li>start = {@code primary} without force: a node whose disk is not UpToDate fails the start
 *       with the replication module's refusal as the reason (promoting stale data is the admin's call);
 *   <li>stop = {@code secondary};
 *   <li>monitor = OK when Primary, NOT_RUNNING when Secondary, ERR_CONFIGURED when this node has no
 *       such resource.
 * </ul>
 */
public final class ReplicatedDiskAgent implements ResourceAgent {

    /** The canonical resource type. */
    public static final String TYPE = "replicated-disk";

    private final String resourceName;
    private final Function<String, Optional<ReplicatedResource>> disks;

    /**
     * @param resourceName the replicated disk (DRBD resource name)
     * @param disks        this node's replicated disks by name
     */
    public ReplicatedDiskAgent(String resourceName, Function<String, Optional<ReplicatedResource>> disks) {
        this.resourceName = resourceName;
        this.disks = disks;
    }

    /** Creates agents for {@code replicated-disk} primitives (parameter {@code resource}). */
    public static ResourceAgentFactory factory(Function<String, Optional<ReplicatedResource>> disks) {
        return ResourceAgentFactory.of(TYPE,
                resource -> new ReplicatedDiskAgent(resource.params().get("resource"), disks));
    }

    @Override
    public AgentResult start() {
        Optional<ReplicatedResource> disk = disks.apply(resourceName);
        if (disk.isEmpty()) {
            return notConfigured();
        }
        try {
            disk.get().primary(false);
            return AgentResult.ok();
        } catch (ReplicationException e) {
            return AgentResult.failed(e.getMessage());
        }
    }

    @Override
    public AgentResult stop() {
        Optional<ReplicatedResource> disk = disks.apply(resourceName);
        if (disk.isEmpty()) {
            // nothing of it can run here: stopped (Pacemaker's rule for a stop of a missing resource)
            return AgentResult.ok();
        }
        try {
            if (disk.get().status().role() == Role.PRIMARY) {
                disk.get().secondary();
            }
            return AgentResult.ok();
        } catch (ReplicationException e) {
            return AgentResult.failed(e.getMessage());
        }
    }

    @Override
    public AgentResult monitor() {
        Optional<ReplicatedResource> disk = disks.apply(resourceName);
        if (disk.isEmpty()) {
            return notConfigured();
        }
        Role role = disk.get().status().role();
        return role == Role.PRIMARY ? AgentResult.ok()
                : AgentResult.notRunning(resourceName + " is " + role.drbdName() + " here");
    }

    private AgentResult notConfigured() {
        return AgentResult.of(OcfStatus.ERR_CONFIGURED, "no replicated disk " + resourceName
                + " on this node (see the replication section)");
    }
}
