package io.appliance.cluster.jgroups;

import io.appliance.cluster.runtime.ClusterTransport;
import io.appliance.cluster.runtime.MembershipView;
import io.appliance.config.cluster.AuthKey;
import io.appliance.config.cluster.AuthMethod;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterTransportKind;
import io.appliance.config.cluster.FencingOptions;
import io.appliance.config.cluster.HeartbeatTiming;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.QuorumOptions;
import io.appliance.config.cluster.ResourceConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Loopback clusters for the transport tests: node i listens on 127.0.0.1:(basePort + i). Their initdead is their
 * deadtime (no start-up grace), since the tests measure detection right after the nodes start.
 */
final class TestClusters {

    static final String SECRET = "s3cret-for-tests";
    static final HeartbeatTiming TIMING = new HeartbeatTiming(HeartbeatTiming.defaults().keepalive(),
            HeartbeatTiming.defaults().warntime(), HeartbeatTiming.defaults().deadtime(),
            HeartbeatTiming.defaults().deadtime());

    private TestClusters() {
    }

    static ClusterDefinition definition(String clusterName, ClusterTransportKind kind, int basePort, int nodeCount,
            String secret) {
        List<ClusterNodeDefinition> nodes = new ArrayList<>();
        for (int i = 1; i <= nodeCount; i++) {
            nodes.add(ClusterNodeDefinition.of("node" + i, NodeRole.STORAGE, List.of("127.0.0.1:" + (basePort + i))));
        }
        return definition(clusterName, kind, nodes, secret);
    }

    /** As {@link #definition}, each node with a ring1 address too: 127.0.0.2:(basePort + 50 + i). */
    static ClusterDefinition withRing1(String clusterName, int basePort, int nodeCount) {
        List<ClusterNodeDefinition> nodes = new ArrayList<>();
        for (int i = 1; i <= nodeCount; i++) {
            nodes.add(ClusterNodeDefinition.of("node" + i, NodeRole.STORAGE,
                    List.of("127.0.0.1:" + (basePort + i), "127.0.0.2:" + (basePort + 50 + i))));
        }
        return definition(clusterName, ClusterTransportKind.TCP, nodes, SECRET);
    }

    private static ClusterDefinition definition(String clusterName, ClusterTransportKind kind,
            List<ClusterNodeDefinition> nodes, String secret) {
        return new ClusterDefinition(clusterName, kind, 7800, TIMING,
                new AuthKey(AuthMethod.SHA256, secret), QuorumOptions.defaults(), FencingOptions.defaults(), nodes,
                ResourceConfiguration.empty());
    }

    /** The same cluster with another heartbeat timing. */
    static ClusterDefinition withTiming(ClusterDefinition definition, HeartbeatTiming timing) {
        return new ClusterDefinition(definition.name(), definition.transport(), definition.port(), timing,
                definition.authKey(), definition.quorum(), definition.fencing(), definition.nodes(),
                definition.resources());
    }

    /** Records what one transport delivers. */
    static final class Recorder implements ClusterTransport.Listener {
        final List<MembershipView> views = new CopyOnWriteArrayList<>();
        final List<String> messages = new CopyOnWriteArrayList<>();

        @Override
        public void onView(MembershipView view) {
            views.add(view);
        }

        @Override
        public void onMessage(String fromNode, byte[] payload) {
            messages.add(fromNode + ":" + new String(payload, java.nio.charset.StandardCharsets.UTF_8));
        }

        MembershipView lastView() {
            return views.isEmpty() ? null : views.get(views.size() - 1);
        }

        List<String> messagesMatching(Predicate<String> filter) {
            return messages.stream().filter(filter).toList();
        }
    }

    /** Waits until the condition holds; false when the deadline passed first. */
    static boolean await(Duration limit, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
