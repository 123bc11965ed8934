package io.appliance.node.cluster;

import io.appliance.cluster.agent.AgentRegistry;
import io.appliance.cluster.agent.BuiltinAgents;
import io.appliance.cluster.agent.CommandRunner;
import io.appliance.cluster.agent.ProcessCommandRunner;
import io.appliance.cluster.agent.ResourceAgentFactory;
import io.appliance.cluster.fence.FenceDevice;
import io.appliance.cluster.fence.FenceDevices;
import io.appliance.cluster.jgroups.JGroupsTransport;
import io.appliance.cluster.jgroups.RingStatus;
import io.appliance.cluster.placement.AdminState;
import io.appliance.cluster.runtime.AdminChange;
import io.appliance.cluster.runtime.ClusterEvent;
import io.appliance.cluster.runtime.ClusterService;
import io.appliance.cluster.runtime.ClusterStatus;
import io.appliance.cluster.runtime.CrmMonRenderer;
import io.appliance.cluster.runtime.FileAdminStateStore;
import io.appliance.cluster.runtime.NodeAttributes;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.NodeRole;
import io.appliance.replication.ReplicatedResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster stack of one appliance node: the agents (built-ins, {@code replicated-disk} and
 * {@code iscsi-target}), the fence devices, the JGroups transport and the {@link ClusterService},
 * with the admin state in {@code <stateDirectory>/cluster/}.
 *
 * <p>A witness ({@code role: witness} for this node) runs the same stack: it joins, votes, may
 * coordinate and run fence devices; the placement never gives it resources, and it reports no
 * replicated-disk attributes.
 *
 * <p>Started last by the node (after iSCSI and replication) and closed first: {@link #close} leaves
 * the cluster (stops this node's resources in reverse order, bounded by the service) before the
 * iSCSI server and the replicated disks go down.
 */
public final class ClusterManager implements ClusterOperations, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterManager.class);

    private final ClusterDefinition definition;
    private final ClusterService service;
    private final JGroupsTransport transport;

    private ClusterManager(ClusterDefinition definition, ClusterService service, JGroupsTransport transport) {
        this.definition = definition;
        this.service = service;
        this.transport = transport;
    }

    /**
     * Builds and starts the stack.
     *
     * @param nodeName       this node's name; must be one of {@code cluster.nodes}
     * @param stateDirectory the node's state directory (the cluster's files go to {@code cluster/} in it)
     * @param disk           this node's replicated disks by name
     * @param disks          all of this node's replicated disks (for the node attributes)
     * @param portals        the iSCSI service's portals, for the {@code iscsi-target} agent
     * @throws IOException              when the transport cannot start (address not local, port taken, ...)
     * @throws IllegalArgumentException when the configuration does not fit this node
     */
    public static ClusterManager start(ClusterConfiguration configuration, String nodeName, Path stateDirectory,
            Function<String, Optional<ReplicatedResource>> disk, Supplier<List<ReplicatedResource>> disks,
            PortalControl portals) throws IOException {
        List<String> warnings = new ArrayList<>();
        ClusterDefinition definition = configuration.toDefinition(warnings);
        warnings.forEach(warning -> LOG.warn("cluster configuration: {}", warning));
        ClusterNodeDefinition self = localNodeOf(definition, nodeName);
        Path clusterDirectory = stateDirectory.resolve("cluster");
        Files.createDirectories(clusterDirectory);
        CommandRunner runner = new ProcessCommandRunner();
        AgentRegistry agents = agents(stateDirectory, runner, disk, portals);
        List<FenceDevice> fenceDevices = FenceDevices.from(definition.fencing().devices(), runner);
        NodeAttributes attributes = self.role() == NodeRole.WITNESS ? Map::of : new ReplicationAttributes(disks);
        JGroupsTransport transport = new JGroupsTransport(definition, nodeName);
        ClusterService service = new ClusterService(definition, nodeName, transport, agents, fenceDevices,
                new FileAdminStateStore(clusterDirectory), attributes);
        try {
            service.start();
        } catch (Exception e) {
            service.close();
            throw new IOException("cannot start the cluster stack of " + nodeName + ": " + e.getMessage(), e);
        }
        LOG.info("Cluster {}: node {} ({}) started; {} nodes, {} resources", definition.name(), nodeName,
                self.role().name().toLowerCase(Locale.ROOT), definition.nodes().size(),
                definition.resources().primitives().size());
        return new ClusterManager(definition, service, transport);
    }

    /** The agent factories of an appliance node: the built-ins plus the two that drive this process. */
    static AgentRegistry agents(Path stateDirectory, CommandRunner runner,
            Function<String, Optional<ReplicatedResource>> disk, PortalControl portals) {
        List<ResourceAgentFactory> factories = new ArrayList<>(BuiltinAgents.factories(stateDirectory, runner));
        factories.add(ReplicatedDiskAgent.factory(disk));
        factories.add(IscsiTargetAgent.factory(portals));
        return new AgentRegistry(factories);
    }

    static ClusterNodeDefinition localNodeOf(ClusterDefinition definition, String nodeName) {
        return definition.node(nodeName).orElseThrow(() -> new IllegalArgumentException("cluster.nodes: this node's"
                + " nodeName " + nodeName + " is not one of the cluster's nodes ("
                + String.join(", ", definition.nodes().stream().map(ClusterNodeDefinition::name).toList())
                + "); add it or fix nodeName"));
    }

    @Override
    public ClusterDefinition definition() {
        return definition;
    }

    @Override
    public ClusterStatus status() {
        try {
            return service.status();
        } catch (IllegalStateException e) {
            throw new ClusterException.Unavailable(e.getMessage());
        }
    }

    @Override
    public List<RingStatus> rings() {
        return transport.ringStatus();
    }

    @Override
    public String statusText(Instant now) {
        return CrmMonRenderer.render(status(), now);
    }

    @Override
    public CompletionStage<Long> change(AdminChange.Kind kind, String resource, String node, boolean enabled) {
        AdminChange change = new AdminChange(kind, resource, node, enabled, UUID.randomUUID().toString());
        return service.requestAdminChange(change).handle((AdminState state, Throwable failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                throw new ClusterException.Unavailable(cause.getMessage() != null ? cause.getMessage()
                        : "no coordinator with quorum applied the change");
            }
            return state.version();
        });
    }

    @Override
    public AutoCloseable subscribe(Consumer<ClusterEvent> listener) {
        return service.subscribe(listener);
    }

    /** Leaves the cluster: this node's resources stop (bounded), then the transport closes. */
    @Override
    public void close() {
        try {
            service.close();
        } catch (RuntimeException e) {
            LOG.error("Leaving the cluster failed", e);
        }
    }
}
