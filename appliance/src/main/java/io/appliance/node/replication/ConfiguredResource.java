package io.appliance.node.replication;

import io.appliance.config.replication.ResourceDefinition;
import java.util.Map;
import java.util.Objects;

/**
 * A resource of the {@code replication} section.
 *
 * @param definition  the typed definition the replication engine takes
 * @param createSizes per host name: the size of the backing file to create (sparse) when it does
 *                    not exist; hosts without {@code size} are absent
 */
public record ConfiguredResource(ResourceDefinition definition, Map<String, Long> createSizes) {

    public ConfiguredResource {
        Objects.requireNonNull(definition, "definition");
        createSizes = Map.copyOf(createSizes);
    }
}
