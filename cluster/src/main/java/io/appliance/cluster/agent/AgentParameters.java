package io.appliance.cluster.agent;

import io.appliance.config.cluster.ClusterDefinitionException;
import io.appliance.config.cluster.DurationText;
import io.appliance.config.cluster.OperationDefinition;
import io.appliance.config.cluster.PrimitiveDefinition;
import java.time.Duration;
import java.util.Optional;

/** Reads one resource's parameters; a missing or malformed one is {@link OcfStatus#ERR_CONFIGURED}. */
final class AgentParameters {

    /** The timeout of an operation the configuration does not list (Pacemaker's default). */
    static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(20);

    private final PrimitiveDefinition resource;

    AgentParameters(PrimitiveDefinition resource) {
        this.resource = resource;
    }

    String required(String name) throws AgentException {
        String value = resource.params().get(name);
        if (value == null || value.isBlank()) {
            throw new AgentException(OcfStatus.ERR_CONFIGURED, "resource " + resource.id() + " (" + resource.type()
                    + ") needs the parameter '" + name + "'");
        }
        return value.trim();
    }

    Optional<String> optional(String name) {
        String value = resource.params().get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    int integer(String name, int defaultValue, int min, int max) throws AgentException {
        Optional<String> text = optional(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw new AgentException(OcfStatus.ERR_CONFIGURED, "resource " + resource.id() + ": parameter '" + name
                + "' must be a whole number from " + min + " to " + max + ", not '" + text.get() + "'");
    }

    Duration duration(String name, Duration defaultValue) throws AgentException {
        Optional<String> text = optional(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            return DurationText.parse(name, text.get());
        } catch (ClusterDefinitionException e) {
            throw new AgentException(OcfStatus.ERR_CONFIGURED, "resource " + resource.id() + ": " + e.getMessage());
        }
    }

    /** The configured timeout of {@code operation} (start, stop, monitor), else 20 s. */
    Duration operationTimeout(String operation) {
        return resource.operation(operation).map(OperationDefinition::timeout).orElse(DEFAULT_OPERATION_TIMEOUT);
    }
}
