package io.appliance.node.cluster;

import io.appliance.cluster.agent.AgentResult;
import io.appliance.cluster.agent.ResourceAgent;
import io.appliance.cluster.agent.ResourceAgentFactory;
import io.appliance.iscsi.target.Portal;
import java.io.IOException;

/**
 * The {@code iscsi-target} resource (Pacemaker's {@code iSCSITarget}): this node's iSCSI service on
 * one more portal, normally the virtual IP. The LUNs are the node's own; both storage nodes configure
 * the same IQN, LUN numbers and uuids, so an initiator sees the same serial and NAA id after a failover.
 *
 * <ul>
 *   <li>start = listen on {@code ip:port} (IP_FREEBIND: the VIP is added later in the group) and
 *       advertise it in SendTargets;
 *   <li>stop = stop listening and close every connection that came in on that portal;
 *   <li>monitor = OK while listening, NOT_RUNNING otherwise.
 * </ul>
 */
public final class IscsiTargetAgent implements ResourceAgent {

    /** The canonical resource type. */
    public static final String TYPE = "iscsi-target";
    /** The iSCSI port when the resource does not name one (RFC 7143 §13.10 well-known port). */
    public static final int DEFAULT_PORT = 3260;

    private final Portal portal;
    private final PortalControl portals;

    public IscsiTargetAgent(Portal portal, PortalControl portals) {
        this.portal = portal;
        this.portals = portals;
    }

    /** Creates agents for {@code iscsi-target} primitives (parameters {@code ip}, {@code port}). */
    public static ResourceAgentFactory factory(PortalControl portals) {
        return ResourceAgentFactory.of(TYPE, resource -> {
            String port = resource.params().get("port");
            return new IscsiTargetAgent(new Portal(resource.params().get("ip"),
                    port == null ? DEFAULT_PORT : Integer.parseInt(port.strip())), portals);
        });
    }

    public Portal portal() {
        return portal;
    }

    @Override
    public AgentResult start() {
        try {
            portals.listen(portal);
            return AgentResult.ok();
        } catch (IOException | RuntimeException e) {
            return AgentResult.failed("cannot listen on " + portal.sendTargetsAddress() + ": " + e.getMessage());
        }
    }

    @Override
    public AgentResult stop() {
        try {
            portals.stopListening(portal);
            return AgentResult.ok();
        } catch (RuntimeException e) {
            return AgentResult.failed("cannot stop listening on " + portal.sendTargetsAddress() + ": " + e.getMessage());
        }
    }

    @Override
    public AgentResult monitor() {
        return portals.isListening(portal) ? AgentResult.ok()
                : AgentResult.notRunning("not listening on " + portal.sendTargetsAddress());
    }
}
