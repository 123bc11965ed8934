package io.appliance.config.replication;

import java.util.Objects;
import java.util.Optional;

/**
 * A {@link ResourceDefinition} that cannot exist. The message names the resource, the host (when the
 * problem is one host's) and the field with its DRBD key, e.g. {@code resource r0: host 'node3': port
 * 70000 out of range 1..65535}.
 */
public final class ResourceDefinitionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String resourceName;
    private final String hostName;
    private final String field;

    /**
     * @param resourceName the resource as written (may be invalid itself)
     * @param hostName the host whose field is wrong, or null for a resource-wide field
     * @param field the field, by its DRBD key ({@code port}, {@code al-extents}, {@code hosts}, ...)
     * @param problem what is wrong, starting with the field, e.g. {@code port 70000 out of range 1..65535}
     */
    public ResourceDefinitionException(String resourceName, String hostName, String field, String problem) {
        super("resource " + resourceName + ": " + (hostName == null ? "" : "host '" + hostName + "': ") + problem);
        this.resourceName = resourceName;
        this.hostName = hostName;
        this.field = Objects.requireNonNull(field, "field");
    }

    public String resourceName() {
        return resourceName;
    }

    /** The host concerned, empty for a resource-wide problem. */
    public Optional<String> hostName() {
        return Optional.ofNullable(hostName);
    }

    /** The field, by its DRBD key. */
    public String field() {
        return field;
    }
}
