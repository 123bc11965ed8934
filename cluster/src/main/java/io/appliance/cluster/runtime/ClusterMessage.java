package io.appliance.cluster.runtime;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Every message nodes exchange; encoded as JSON by {@link ClusterMessageCodec} with a {@code type} field. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = NodeReport.class, name = "report"),
        @JsonSubTypes.Type(value = Decision.class, name = "decision"),
        @JsonSubTypes.Type(value = AdminChange.class, name = "admin-change"),
        @JsonSubTypes.Type(value = AdminUpdate.class, name = "admin-update"),
        @JsonSubTypes.Type(value = Cleanup.class, name = "cleanup")})
public sealed interface ClusterMessage permits NodeReport, Decision, AdminChange, AdminUpdate, Cleanup {
}
