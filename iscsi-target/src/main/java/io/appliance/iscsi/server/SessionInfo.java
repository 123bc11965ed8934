package io.appliance.iscsi.server;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one logged-in session, for status pages and the REST API.
 *
 * @param initiatorName the initiator's iSCSI name
 * @param isid          the initiator session ID, 12 hex digits
 * @param tsih          the target session identifying handle
 * @param targetName    the target's name, null for a discovery session
 * @param sessionType   "Normal" or "Discovery"
 * @param connections   remote "address:port" of each connection
 */
public record SessionInfo(String initiatorName, String isid, int tsih, String targetName, String sessionType,
                          List<String> connections) {

    public SessionInfo {
        Objects.requireNonNull(initiatorName, "initiatorName");
        Objects.requireNonNull(isid, "isid");
        Objects.requireNonNull(sessionType, "sessionType");
        connections = List.copyOf(connections);
    }
}
