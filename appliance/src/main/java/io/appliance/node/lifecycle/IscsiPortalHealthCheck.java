package io.appliance.node.lifecycle;

import com.codahale.metrics.health.HealthCheck;
import java.net.InetSocketAddress;
import java.util.List;

/** Healthy when the iSCSI server is bound to every configured portal. */
public final class IscsiPortalHealthCheck extends HealthCheck {

    private final ApplianceNode node;

    public IscsiPortalHealthCheck(ApplianceNode node) {
        this.node = node;
    }

    @Override
    protected Result check() {
        List<InetSocketAddress> bound = node.boundPortals();
        int expected = node.configuredPortalCount();
        if (bound.size() < expected) {
            return Result.unhealthy("iSCSI is listening on %d of %d portals: %s", bound.size(), expected, bound);
        }
        return Result.healthy("iSCSI is listening on %s", bound);
    }
}
