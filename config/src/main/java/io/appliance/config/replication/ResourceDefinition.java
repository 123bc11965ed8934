package io.appliance.config.replication;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A replicated disk ("resource", DRBD's word): its name, its two hosts and its options. Every instance
 * is valid: the constructor checks each field and the rules between fields, and throws a
 * {@link ResourceDefinitionException} naming the resource, the host and the field.
 *
 * @param name {@code [A-Za-z0-9_.+-]{1,63}}, as DRBD resource names
 * @param hosts exactly two hosts with distinct names and distinct address:port
 * @param options the tunables
 */
public record ResourceDefinition(String name, List<ResourceHost> hosts, ResourceOptions options) {

    private static final Pattern RESOURCE_NAME = Pattern.compile("[A-Za-z0-9_.+-]{1,63}");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern POOL_AND_VOLUME = Pattern.compile("[A-Za-z0-9+_.-]+/[A-Za-z0-9+_.-]+");
    private static final int MAX_NODE_ID = 31;
    private static final int MAX_SHARED_SECRET_LENGTH = 64;
    private static final long MAX_RATE_BYTES_PER_SECOND = 4L * 1024 * 1024 * 1024;

    public ResourceDefinition {
        Objects.requireNonNull(options, "options");
        if (name == null || !RESOURCE_NAME.matcher(name).matches()) {
            throw new ResourceDefinitionException(String.valueOf(name), null, "name",
                    "name must be 1 to 63 of A-Z a-z 0-9 _ . + -");
        }
        if (hosts == null || hosts.size() != 2 || hosts.stream().anyMatch(Objects::isNull)) {
            throw new ResourceDefinitionException(name, null, "hosts", "exactly 2 hosts are required, found "
                    + (hosts == null ? 0 : hosts.size()));
        }
        hosts = List.copyOf(hosts);
        for (ResourceHost host : hosts) {
            checkHost(name, host);
        }
        ResourceHost first = hosts.get(0);
        ResourceHost second = hosts.get(1);
        if (first.name().equals(second.name())) {
            throw new ResourceDefinitionException(name, second.name(), "name", "host name used twice");
        }
        if (first.addressHost().equalsIgnoreCase(second.addressHost()) && first.port() == second.port()) {
            throw new ResourceDefinitionException(name, second.name(), "address",
                    "address " + second.addressAndPort() + " is also host '" + first.name() + "''s address");
        }
        if (first.nodeId().isPresent() && first.nodeId().equals(second.nodeId())) {
            throw new ResourceDefinitionException(name, second.name(), "node-id",
                    "node-id " + second.nodeId().getAsInt() + " is also host '" + first.name() + "''s node-id");
        }
        checkOptions(name, hosts, options);
    }

    /** The host called {@code nodeName}, if it is one of the two. */
    public Optional<ResourceHost> host(String nodeName) {
        return hosts.stream().filter(host -> host.name().equals(nodeName)).findFirst();
    }

    /**
     * @throws IllegalArgumentException naming the hosts, e.g. {@code resource r0 has no 'on node3'
     *     section (hosts: node1, node2)}
     */
    public ResourceHost requireHost(String nodeName) {
        return host(nodeName).orElseThrow(() -> new IllegalArgumentException("resource " + name + " has no 'on "
                + nodeName + "' section (hosts: " + hosts.stream().map(ResourceHost::name).collect(Collectors.joining(", "))
                + ")"));
    }

    /**
     * The other host.
     *
     * @throws IllegalArgumentException as {@link #requireHost} if {@code nodeName} is not a host
     */
    public ResourceHost peerOf(String nodeName) {
        ResourceHost self = requireHost(nodeName);
        return hosts.get(0) == self ? hosts.get(1) : hosts.get(0);
    }

    private static void checkHost(String resource, ResourceHost host) {
        String hostName = host.name();
        if (!HOST_NAME.matcher(hostName).matches()) {
            throw new ResourceDefinitionException(resource, hostName, "name",
                    "host name must be 1 to 63 of A-Z a-z 0-9 _ . - starting with a letter or digit");
        }
        String disk = host.disk();
        if (!isAbsolutePath(disk) && !POOL_AND_VOLUME.matcher(disk).matches()) {
            throw new ResourceDefinitionException(resource, hostName, "disk",
                    "disk '" + disk + "' is neither an absolute path nor POOL/LV");
        }
        host.device().filter(device -> !isAbsolutePath(device)).ifPresent(device -> {
            throw new ResourceDefinitionException(resource, hostName, "device",
                    "device '" + device + "' is not an absolute path");
        });
        if (host.addressHost().isBlank() || host.addressHost().chars().anyMatch(Character::isWhitespace)) {
            throw new ResourceDefinitionException(resource, hostName, "address",
                    "address '" + host.addressHost() + "' is not an IP address or host name");
        }
        if (host.port() < 1 || host.port() > 65535) {
            throw new ResourceDefinitionException(resource, hostName, "port",
                    "port " + host.port() + " out of range 1..65535");
        }
        if (host.metaDisk() instanceof MetaDisk.External external) {
            if (!isAbsolutePath(external.path())) {
                throw new ResourceDefinitionException(resource, hostName, "meta-disk",
                        "meta-disk '" + external.path() + "' is not an absolute path (or internal)");
            }
            if (external.path().equals(disk)) {
                throw new ResourceDefinitionException(resource, hostName, "meta-disk",
                        "meta-disk '" + external.path() + "' is the backing disk itself: use meta-disk internal");
            }
        }
        if (host.nodeId().isPresent() && (host.nodeId().getAsInt() < 0 || host.nodeId().getAsInt() > MAX_NODE_ID)) {
            throw new ResourceDefinitionException(resource, hostName, "node-id",
                    "node-id " + host.nodeId().getAsInt() + " out of range 0.." + MAX_NODE_ID);
        }
    }

    private static boolean isAbsolutePath(String path) {
        return path.length() > 1 && path.startsWith("/") && path.chars().noneMatch(Character::isWhitespace);
    }

    private static void checkOptions(String resource, List<ResourceHost> hosts, ResourceOptions options) {
        if (options.sharedSecret().isPresent() != options.cramHmacAlg().isPresent()) {
            throw new ResourceDefinitionException(resource, null, options.sharedSecret().isPresent() ? "cram-hmac-alg" : "shared-secret",
                    "shared-secret and cram-hmac-alg must be set together (peer authentication needs both)");
        }
        options.sharedSecret().ifPresent(secret -> {
            if (secret.isEmpty() || secret.length() > MAX_SHARED_SECRET_LENGTH) {
                throw new ResourceDefinitionException(resource, null, "shared-secret",
                        "shared-secret must be 1 to " + MAX_SHARED_SECRET_LENGTH + " characters, has " + secret.length());
            }
        });
        if ((options.afterSb0Pri() == AfterSb0Pri.DISCARD_NODE) != options.discardNode().isPresent()) {
            throw new ResourceDefinitionException(resource, null, "after-sb-0pri",
                    "after-sb-0pri discard-node needs a node name (discard-node-NODENAME), and only it has one");
        }
        options.discardNode().ifPresent(node -> {
            if (hosts.stream().noneMatch(host -> host.name().equals(node))) {
                throw new ResourceDefinitionException(resource, null, "after-sb-0pri", "after-sb-0pri discard-node-" + node
                        + " names no host (hosts: " + hosts.get(0).name() + ", " + hosts.get(1).name() + ")");
            }
        });
        checkRange(resource, "resync-rate", options.resyncRateBytesPerSecond(), 1024, MAX_RATE_BYTES_PER_SECOND, "bytes/s");
        checkRange(resource, "c-min-rate", options.cMinRateBytesPerSecond(), 0, MAX_RATE_BYTES_PER_SECOND, "bytes/s");
        checkRange(resource, "al-extents", options.alExtents(), 7, 65534, "");
        checkRange(resource, "max-data-packet", options.maxDataPacketBytes(), 4096, 16L * 1024 * 1024, "bytes");
        if (options.maxDataPacketBytes() % 512 != 0) {
            throw new ResourceDefinitionException(resource, null, "max-data-packet",
                    "max-data-packet " + options.maxDataPacketBytes() + " is not a multiple of 512 bytes");
        }
        checkRange(resource, "connect-int", options.connectInterval(), Duration.ofSeconds(1), Duration.ofSeconds(120));
        checkRange(resource, "ping-int", options.pingInterval(), Duration.ofSeconds(1), Duration.ofSeconds(120));
        checkRange(resource, "ping-timeout", options.pingTimeout(), Duration.ofMillis(100), Duration.ofSeconds(30));
        checkRange(resource, "timeout", options.timeout(), Duration.ofMillis(100), Duration.ofSeconds(60));
    }

    private static void checkRange(String resource, String field, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            String suffix = unit.isEmpty() ? "" : " " + unit;
            throw new ResourceDefinitionException(resource, null, field,
                    field + " " + value + suffix + " out of range " + min + ".." + max + suffix);
        }
    }

    private static void checkRange(String resource, String field, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ResourceDefinitionException(resource, null, field,
                    field + " " + value + " out of range " + min + ".." + max);
        }
    }
}
