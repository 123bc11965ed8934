package io.appliance.replication.engine;

import io.appliance.replication.ReplicationEvent;
import io.appliance.replication.ResourceStatus;
import io.appliance.replication.state.ConnectionState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns successive status snapshots into events2-style events: one per object (resource, device,
 * connection, peer-device) whose fields changed. Confined to the state executor.
 */
final class StatusEvents {
    private final Map<String, Map<String, String>> lastFields = new HashMap<>();

    /** The events for what changed since the previous call. */
    List<ReplicationEvent> changes(ResourceStatus status, Instant now) {
        List<ReplicationEvent> events = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> object : objects(status).entrySet()) {
            Map<String, String> previous = lastFields.put(object.getKey(), object.getValue());
            if (!object.getValue().equals(previous)) {
                events.add(new ReplicationEvent(now, object.getKey(), status.name(), object.getValue()));
            }
        }
        return events;
    }

    /** Every object's current fields ({@code exists} lines). */
    static List<ReplicationEvent> current(ResourceStatus status, Instant now) {
        List<ReplicationEvent> events = new ArrayList<>();
        objects(status).forEach((object, fields) -> events.add(new ReplicationEvent(now, object, status.name(), fields)));
        return events;
    }

    private static Map<String, Map<String, String>> objects(ResourceStatus status) {
        Map<String, Map<String, String>> objects = new LinkedHashMap<>();
        Map<String, String> resource = new LinkedHashMap<>();
        resource.put("role", status.role().drbdName());
        resource.put("suspended", status.suspended() ? "yes" : "no");
        objects.put("resource", resource);
        Map<String, String> device = new LinkedHashMap<>();
        device.put("volume", "0");
        device.put("disk", status.disk().drbdName());
        device.put("size", Long.toString(status.sizeBytes() / 1024));
        objects.put("device", device);
        Map<String, String> connection = new LinkedHashMap<>();
        connection.put("conn-name", status.peerName());
        connection.put("connection", status.connection().drbdName());
        connection.put("role", status.peerRole().drbdName());
        status.lastProblem().ifPresent(problem -> connection.put("last-problem", quote(problem)));
        objects.put("connection", connection);
        Map<String, String> peerDevice = new LinkedHashMap<>();
        peerDevice.put("conn-name", status.peerName());
        peerDevice.put("volume", "0");
        peerDevice.put("replication", status.replication().drbdName());
        peerDevice.put("peer-disk", status.connection() == ConnectionState.CONNECTED
                ? status.peerDisk().drbdName() : "DUnknown");
        objects.put("peer-device", peerDevice);
        return objects;
    }

    private static String quote(String text) {
        return '"' + text.replace("\"", "'") + '"';
    }
}
