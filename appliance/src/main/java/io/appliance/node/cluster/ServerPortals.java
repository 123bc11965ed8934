package io.appliance.node.cluster;

import io.appliance.iscsi.server.IscsiServer;
import io.appliance.iscsi.target.Portal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PortalControl} over the node's {@link IscsiServer}: the cluster's portals, bound with
 * IP_FREEBIND, and the list SendTargets adds to the configured portals ({@link #advertised()}).
 * After each change the targets are published again ({@code republish}), so that discovery answers
 * with the new portal list.
 */
public final class ServerPortals implements PortalControl {

    private static final Logger LOG = LoggerFactory.getLogger(ServerPortals.class);

    private final Supplier<IscsiServer> server;
    private final Runnable republish;
    private final List<Portal> listening = new CopyOnWriteArrayList<>();

    /**
     * @param server    the running iSCSI server; throws {@link IllegalStateException} when it is not running
     * @param republish publishes the targets again with the current portals
     */
    public ServerPortals(Supplier<IscsiServer> server, Runnable republish) {
        this.server = server;
        this.republish = republish;
    }

    /** The portals the cluster added, in the order they were started. */
    public List<Portal> advertised() {
        return List.copyOf(listening);
    }

    @Override
    public synchronized void listen(Portal portal) throws IOException {
        if (listening.contains(portal)) {
            return;
        }
        server.get().bind(address(portal), true);
        listening.add(portal);
        republish.run();
        LOG.info("Cluster portal {} listening and advertised", portal.sendTargetsAddress());
    }

    @Override
    public synchronized int stopListening(Portal portal) {
        if (!listening.remove(portal)) {
            return 0;
        }
        // first the part that matters for safety: no initiator reaches this node on the portal any more
        int closed = server.get().unbind(address(portal), true);
        LOG.info("Cluster portal {} no longer listening ({} connection(s) closed)", portal.sendTargetsAddress(), closed);
        try {
            republish.run();
        } catch (RuntimeException e) {
            LOG.warn("Portal {} stopped, but the targets could not be published again without it: {}",
                    portal.sendTargetsAddress(), e.toString());
        }
        return closed;
    }

    @Override
    public boolean isListening(Portal portal) {
        if (!listening.contains(portal)) {
            return false;
        }
        InetSocketAddress address = address(portal);
        return server.get().boundAddresses().stream().anyMatch(bound -> bound.getPort() == address.getPort()
                && bound.getAddress() != null && bound.getAddress().equals(address.getAddress()));
    }

    private static InetSocketAddress address(Portal portal) {
        return new InetSocketAddress(portal.address(), portal.port());
    }
}
