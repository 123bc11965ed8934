package io.appliance.node.api;

import java.util.List;

/**
 * One iSCSI session logged in to this node.
 *
 * @param isid        the initiator session ID, 12 hex digits
 * @param tsih        the target session identifying handle
 * @param targetName  empty for a discovery session
 * @param sessionType {@code Normal} or {@code Discovery}
 * @param connections the connections' peer addresses
 */
public record SessionView(String initiatorName, String isid, int tsih, String targetName, String sessionType,
        List<String> connections) {

    public SessionView {
        connections = List.copyOf(connections);
    }
}
