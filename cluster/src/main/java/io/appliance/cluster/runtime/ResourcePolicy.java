package io.appliance.cluster.runtime;

import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.GroupDefinition;
import io.appliance.config.cluster.OnFail;
import io.appliance.config.cluster.OperationDefinition;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.ResourceConfiguration;
import io.appliance.config.cluster.ResourceMeta;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Per-primitive operation settings resolved from the configuration (member meta over group meta over properties). */
final class ResourcePolicy {

    private final ClusterDefinition definition;
    private final ResourceConfiguration resources;

    ResourcePolicy(ClusterDefinition definition) {
        this.definition = definition;
        this.resources = definition.resources();
    }

    ResourceConfiguration resources() {
        return resources;
    }

    PrimitiveDefinition primitive(String id) {
        return resources.primitive(id).orElseThrow(() -> new IllegalArgumentException("unknown resource " + id));
    }

    String unitOf(String primitiveId) {
        return resources.groupOf(primitiveId).map(GroupDefinition::id).orElse(primitiveId);
    }

    List<String> members(String unit) {
        return resources.membersOf(unit);
    }

    Duration timeout(String primitiveId, String operation) {
        return primitive(primitiveId).operation(operation).map(OperationDefinition::timeout)
                .orElse(OperationDefinition.DEFAULT_TIMEOUT);
    }

    Optional<OperationDefinition> monitor(String primitiveId) {
        return primitive(primitiveId).operation(OperationDefinition.MONITOR);
    }

    /** The on-fail of an operation; FENCE falls back to BLOCK when fencing is disabled. */
    OnFail onFail(String primitiveId, String operation) {
        String name = "probe".equals(operation) ? OperationDefinition.MONITOR : operation;
        OnFail onFail = primitive(primitiveId).operation(name).map(OperationDefinition::onFail)
                .orElse(OperationDefinition.defaultOnFail(name));
        if (onFail == OnFail.FENCE && !definition.fencing().enabled()) {
            return OnFail.BLOCK;
        }
        return onFail;
    }

    int migrationThreshold(String primitiveId) {
        return meta(primitiveId).migrationThreshold().isPresent() ? meta(primitiveId).migrationThreshold().getAsInt()
                : groupMeta(primitiveId).flatMap(m -> m.migrationThreshold().isPresent()
                        ? Optional.of(m.migrationThreshold().getAsInt()) : Optional.empty())
                        .orElse(resources.properties().migrationThreshold());
    }

    Duration failureTimeout(String primitiveId) {
        return meta(primitiveId).failureTimeout()
                .or(() -> groupMeta(primitiveId).flatMap(ResourceMeta::failureTimeout))
                .orElse(resources.properties().failureTimeout());
    }

    boolean startFailureIsFatal() {
        return resources.properties().startFailureIsFatal();
    }

    private ResourceMeta meta(String primitiveId) {
        return primitive(primitiveId).meta();
    }

    private Optional<ResourceMeta> groupMeta(String primitiveId) {
        return resources.groupOf(primitiveId).map(GroupDefinition::meta);
    }
}
