package io.appliance.config.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Valid building blocks for the tests of this package. */
final class ClusterFixtures {

    static final AuthKey KEY = new AuthKey(AuthMethod.SHA1, "s3cret-cluster-key");

    private ClusterFixtures() {
    }

    static ClusterNodeDefinition storage(String name, String address) {
        return ClusterNodeDefinition.of(name, NodeRole.STORAGE, List.of(address));
    }

    static ClusterNodeDefinition witness(String name, String address) {
        return ClusterNodeDefinition.of(name, NodeRole.WITNESS, List.of(address));
    }

    static List<ClusterNodeDefinition> threeNodes() {
        return List.of(storage("node1", "10.0.0.1"), storage("node2", "10.0.0.2"), witness("witness", "10.0.0.3"));
    }

    static PrimitiveDefinition primitive(String id, String type, Map<String, String> params) {
        return PrimitiveDefinition.of(id, type, params);
    }

    /** portblock(block), disk, target, vip, portblock(unblock) in group g-iscsi. */
    static ResourceConfiguration iscsiGroup(List<LocationConstraint> locations, List<ColocationConstraint> colocations,
            List<OrderConstraint> orders) {
        return new ResourceConfiguration(List.of(
                primitive("block", "portblock", Map.of("ip", "10.0.0.100", "portno", "3260", "action", "block")),
                new PrimitiveDefinition("disk", "drbd", Map.of("resource", "r0"),
                        List.of(OperationDefinition.monitor(Duration.ofSeconds(10))), ResourceMeta.empty()),
                primitive("target", "iSCSITarget", Map.of("ip", "10.0.0.100")),
                primitive("vip", "IPaddr", Map.of("ip", "10.0.0.100", "cidr_netmask", "24")),
                primitive("unblock", "portblock", Map.of("ip", "10.0.0.100", "portno", "3260", "action", "unblock")),
                primitive("dummy", "Dummy", Map.of())),
                List.of(new GroupDefinition("g-iscsi", List.of("block", "disk", "target", "vip", "unblock"),
                        ResourceMeta.empty())),
                locations, colocations, orders, ClusterProperties.defaults());
    }

    static ResourceConfiguration iscsiGroup() {
        return iscsiGroup(List.of(), List.of(), List.of());
    }

    static ClusterDefinition cluster(List<ClusterNodeDefinition> nodes, QuorumOptions quorum, FencingOptions fencing,
            ResourceConfiguration resources) {
        return new ClusterDefinition("c1", ClusterTransportKind.TCP, ClusterDefinition.DEFAULT_PORT,
                HeartbeatTiming.defaults(), KEY, quorum, fencing, nodes, resources);
    }
}
