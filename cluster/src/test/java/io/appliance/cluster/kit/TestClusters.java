package io.appliance.cluster.kit;

import io.appliance.config.cluster.AuthKey;
import io.appliance.config.cluster.AuthMethod;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterProperties;
import io.appliance.config.cluster.ClusterTransportKind;
import io.appliance.config.cluster.FenceAction;
import io.appliance.config.cluster.FenceDeviceDefinition;
import io.appliance.config.cluster.FencingOptions;
import io.appliance.config.cluster.GroupDefinition;
import io.appliance.config.cluster.HeartbeatTiming;
import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.OnFail;
import io.appliance.config.cluster.OrderConstraint;
import io.appliance.config.cluster.OrderKind;
import io.appliance.config.cluster.OperationDefinition;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.QuorumOptions;
import io.appliance.config.cluster.ResourceConfiguration;
import io.appliance.config.cluster.ResourceMeta;
import io.appliance.config.cluster.Score;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cluster definitions for the kit's tests: node1 and node2 (storage) and witness; group {@code g-iscsi} =
 * block, disk (replicated-disk r0), target, vip (the others Dummy; all with a 1 s monitor) preferring node1 (location 100), and an ungrouped
 * {@code dummy}.
 */
public final class TestClusters {

    public static final List<String> GROUP = List.of("block", "disk", "target", "vip");

    private TestClusters() {
    }

    /** Builder with the defaults above: timing 500 ms / 1 s / 2 s / 10 s, watchdog 5 s, self-fence 2 s. */
    public static final class Builder {
        private final List<OrderConstraint> orders = new ArrayList<>();
        private int migrationThreshold = Integer.MAX_VALUE;
        private Score stickiness = Score.ZERO;
        private OnFail stopOnFail = OnFail.FENCE;
        private OnFail monitorOnFail = OnFail.RESTART;
        private Duration watchdog = Duration.ofSeconds(5);
        private Duration failureTimeout = Duration.ZERO;
        private List<FenceDeviceDefinition> devices = new ArrayList<>();
        private String extraPrimitiveType = "Dummy";


        public Builder migrationThreshold(int value) {
            this.migrationThreshold = value;
            return this;
        }

        public Builder stickiness(long value) {
            this.stickiness = Score.of(value);
            return this;
        }

        public Builder monitorOnFail(OnFail value) {
            this.monitorOnFail = value;
            return this;
        }

        public Builder watchdog(Duration value) {
            this.watchdog = value;
            return this;
        }

        public Builder failureTimeout(Duration value) {
            this.failureTimeout = value;
            return this;
        }

        /** Declares a fence device in the configuration (the kit adds the fake one). */
        public Builder fenceDevice(String name, List<String> nodes) {
            devices.add(FenceDeviceDefinition.of(name, "/bin/true", nodes, Map.of()));
            return this;
        }

        /** A Mandatory order constraint {@code first} then {@code then}. */
        public Builder order(String first, String then) {
            orders.add(new OrderConstraint("order-" + first + "-" + then, first, then, OrderKind.MANDATORY));
            return this;
        }

        public Builder otherResources() {
            this.extraPrimitiveType = "ocf:pacemaker:Dummy";
            return this;
        }

        public ClusterDefinition build() {
            List<PrimitiveDefinition> primitives = new ArrayList<>();
            for (String id : GROUP) {
                primitives.add(primitive(id));
            }
            primitives.add(primitive("dummy"));
            if (!extraPrimitiveType.equals("Dummy")) {
                primitives.add(primitive("extra"));
            }
            ResourceConfiguration resources = new ResourceConfiguration(primitives,
                    List.of(new GroupDefinition("g-iscsi", GROUP, ResourceMeta.empty())),
                    List.of(new LocationConstraint("loc-g", "g-iscsi", "node1", Score.of(100)),
                            new LocationConstraint("loc-d", "dummy", "node2", Score.of(100))),
                    List.of(), List.copyOf(orders),
                    new ClusterProperties(stickiness, migrationThreshold, failureTimeout, false, true, true));
            List<ClusterNodeDefinition> nodes = List.of(
                    new ClusterNodeDefinition("node1", NodeRole.STORAGE, 1, List.of("10.0.0.1")),
                    new ClusterNodeDefinition("node2", NodeRole.STORAGE, 1, List.of("10.0.0.2")),
                    new ClusterNodeDefinition("witness", NodeRole.WITNESS, 1, List.of("10.0.0.3")));
            return new ClusterDefinition("test", ClusterTransportKind.TCP, 7800, HeartbeatTiming.defaults(),
                    new AuthKey(AuthMethod.SHA256, "secret-secret"), QuorumOptions.defaults(),
                    new FencingOptions(true, FenceAction.OFF, watchdog, Duration.ofSeconds(2), devices), nodes,
                    resources);
        }

        private PrimitiveDefinition primitive(String id) {
            boolean disk = id.equals("disk");
            return new PrimitiveDefinition(id, disk ? "replicated-disk" : "Dummy",
                    disk ? Map.of("resource", "r0") : Map.of(),
                    List.of(new OperationDefinition("monitor", Duration.ofSeconds(1), Duration.ofSeconds(3),
                                    monitorOnFail),
                            new OperationDefinition("start", Duration.ZERO, Duration.ofSeconds(5), OnFail.RESTART),
                            new OperationDefinition("stop", Duration.ZERO, Duration.ofSeconds(5), stopOnFail)),
                    ResourceMeta.empty());
        }
    }

    public static Builder builder() {
        return new Builder();
    }
}
