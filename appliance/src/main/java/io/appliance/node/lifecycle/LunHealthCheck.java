package io.appliance.node.lifecycle;

import com.codahale.metrics.health.HealthCheck;
import io.appliance.node.model.NodeException;
import java.util.List;

/** Healthy when every stored LUN is served; lists the offline ones (missing or unreadable files). */
public final class LunHealthCheck extends HealthCheck {

    private final ApplianceNode node;

    public LunHealthCheck(ApplianceNode node) {
        this.node = node;
    }

    @Override
    protected Result check() {
        List<String> offline;
        try {
            offline = node.targets().offlineLuns();
        } catch (NodeException.NotRunning e) {
            return Result.unhealthy(e.getMessage());
        }
        return offline.isEmpty() ? Result.healthy("every LUN is online") : Result.unhealthy("offline: " + String.join("; ", offline));
    }
}
