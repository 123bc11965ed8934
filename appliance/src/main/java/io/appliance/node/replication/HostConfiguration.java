package io.appliance.node.replication;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.appliance.config.replication.MetaDisk;
import io.appliance.config.replication.ResourceHost;
import io.appliance.node.model.LvmNames;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * One {@code on HOST} section of a resource.
 *
 * @param name     the node's {@code nodeName}
 * @param disk     the backing volume: an absolute path, a path relative to the state directory, or
 *                 {@code POOL/LV} (a volume of one of this node's pools)
 * @param size     files only: create the file (sparse) of this size when it does not exist
 * @param address  replication address {@code IP:PORT} ({@code [v6]:PORT} for IPv6), or {@code HOST:PORT}
 * @param metaDisk {@code internal} (default: at the end of the disk), or a path or {@code POOL/LV}
 * @param device   DRBD's {@code device} (e.g. {@code /dev/drbd1}); kept for the operator, unused
 * @param nodeId   DRBD 9's {@code node-id}; optional
 */
public record HostConfiguration(
        @JsonProperty("name") String name,
        @JsonProperty("disk") String disk,
        @JsonProperty("size") String size,
        @JsonProperty("address") String address,
        @JsonProperty("meta-disk") String metaDisk,
        @JsonProperty("device") String device,
        @JsonProperty("node-id") Integer nodeId) {

    static final String INTERNAL = "internal";
    static final int MAX_PORT = 65535;

    Optional<ResourceHost> toHost(String path, Path stateDirectory, Predicate<String> isPool, List<String> problems) {
        int before = problems.size();
        if (name == null || name.isBlank()) {
            problems.add(path + ".name: is required (the nodeName of the node this section is for)");
        }
        if (disk == null || disk.isBlank()) {
            problems.add(path + ".disk: is required (an absolute path, a path under the state directory, or POOL/LV)");
        }
        String host = null;
        int port = 0;
        if (address == null || address.isBlank()) {
            problems.add(path + ".address: is required (IP:PORT)");
        } else {
            int colon = address.lastIndexOf(':');
            host = colon > 0 ? address.substring(0, colon).strip() : "";
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                port = colon > 0 ? Integer.parseInt(address.substring(colon + 1).strip()) : -1;
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (host.isEmpty() || port < 1 || port > MAX_PORT) {
                problems.add(path + ".address: " + address + " is not IP:PORT with a port in 1.." + MAX_PORT);
            }
        }
        if (nodeId != null && (nodeId < 0 || nodeId > 31)) {
            problems.add(path + ".node-id: " + nodeId + " is not in 0..31");
        }
        if (size != null && disk != null && isVolume(disk, isPool)) {
            problems.add(path + ".size: only for files; " + disk + " is a volume (create it with the pools API)");
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        MetaDisk meta = metaDisk == null || metaDisk.strip().equals(INTERNAL)
                ? new MetaDisk.Internal()
                : new MetaDisk.External(resolve(metaDisk.strip(), stateDirectory, isPool));
        return Optional.of(new ResourceHost(name, resolve(disk.strip(), stateDirectory, isPool), Optional.ofNullable(device),
                host, port, meta, nodeId == null ? OptionalInt.empty() : OptionalInt.of(nodeId)));
    }

    /** The size of the file to create, when {@code size} is given. */
    Optional<Long> createSize(String path, List<String> problems) {
        if (size == null) {
            return Optional.empty();
        }
        long bytes = ResourceConfiguration.size(path + ".size", size, 0, problems);
        if (bytes <= 0) {
            problems.add(path + ".size: must be more than 0 bytes");
            return Optional.empty();
        }
        return Optional.of(bytes);
    }

    /** {@code POOL/LV} when it names a volume of one of the node's pools; else an absolute path. */
    static String resolve(String disk, Path stateDirectory, Predicate<String> isPool) {
        if (isVolume(disk, isPool)) {
            return disk;
        }
        return stateDirectory.resolve(disk).toAbsolutePath().normalize().toString();
    }

    static boolean isVolume(String disk, Predicate<String> isPool) {
        if (disk.startsWith("/")) {
            return false;
        }
        int slash = disk.indexOf('/');
        return slash > 0 && disk.indexOf('/', slash + 1) < 0 && LvmNames.valid(disk.substring(0, slash))
                && LvmNames.valid(disk.substring(slash + 1)) && isPool.test(disk.substring(0, slash));
    }
}
