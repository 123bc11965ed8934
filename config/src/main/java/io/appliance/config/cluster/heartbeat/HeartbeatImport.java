package io.appliance.config.cluster.heartbeat;

import io.appliance.config.cluster.ClusterDefinition;
import java.util.List;

/**
 * What a Heartbeat configuration means here.
 *
 * @param definition the valid cluster; nodes whose addresses could not be told have none (see
 *     {@link HeartbeatImporter})
 * @param warnings {@code FILE:LINE: message} for each setting ignored or approximated, and for what the
 *     operator still has to give (addresses, fencing, a witness)
 */
public record HeartbeatImport(ClusterDefinition definition, List<String> warnings) {

    public HeartbeatImport {
        warnings = List.copyOf(warnings);
    }
}
