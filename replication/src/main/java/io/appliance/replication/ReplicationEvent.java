package io.appliance.replication;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One change of a resource, in the shape of a {@code drbdsetup events2} line.
 *
 * @param time     when the change happened
 * @param object   {@code resource}, {@code device}, {@code connection} or {@code peer-device}
 * @param resource the resource name
 * @param fields   the changed fields in events2 order (e.g. {@code conn-name}, {@code replication})
 */
public record ReplicationEvent(Instant time, String object, String resource, Map<String, String> fields) {

    public ReplicationEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(resource, "resource");
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** {@code change peer-device name:r0 conn-name:node2 replication:SyncSource peer-disk:Inconsistent}. */
    public String render() {
        return renderAs("change");
    }

    /** The same line as the current state ({@code exists ...}, events2 {@code --now}). */
    public String renderExists() {
        return renderAs("exists");
    }

    private String renderAs(String kind) {
        StringBuilder line = new StringBuilder(kind).append(' ').append(object).append(" name:").append(resource);
        fields.forEach((key, value) -> line.append(' ').append(key).append(':').append(value));
        return line.toString();
    }
}
