package io.appliance.config.replication;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One node of a replicated disk: DRBD's {@code on NAME { ... }} section. Values are checked by
 * {@link ResourceDefinition}, which names the resource in its errors.
 *
 * @param name the node name, as DRBD's {@code on} host name (the node's configured name)
 * @param disk the backing volume: an absolute path (file or block device) or {@code POOL/LV} (an LVM
 *     volume of this node's appliance); DRBD {@code disk}
 * @param device the name the replicated disk is known by on this node, e.g. {@code /dev/drbd1};
 *     informational here (there is no kernel device); DRBD {@code device}
 * @param addressHost the replication listen address: an IP literal (IPv6 without brackets) or a host
 *     name; DRBD {@code address}
 * @param port the replication TCP port, 1..65535
 * @param metaDisk where the metadata lives; DRBD {@code meta-disk}
 * @param nodeId DRBD 9 {@code node-id}, 0..31, if given
 */
public record ResourceHost(String name, String disk, Optional<String> device, String addressHost, int port,
                           MetaDisk metaDisk, OptionalInt nodeId) {

    public ResourceHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(addressHost, "addressHost");
        Objects.requireNonNull(metaDisk, "metaDisk");
        Objects.requireNonNull(nodeId, "nodeId");
    }

    /** {@code host:port}, with IPv6 literals in brackets, as DRBD prints an address. */
    public String addressAndPort() {
        return (addressHost.indexOf(':') >= 0 ? "[" + addressHost + "]" : addressHost) + ":" + port;
    }
}
