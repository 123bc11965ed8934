package io.appliance.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.agent.AgentRegistry;
import io.appliance.cluster.agent.AgentResult;
import io.appliance.cluster.agent.ResourceAgent;
import io.appliance.cluster.agent.ResourceAgentFactory;
import io.appliance.cluster.placement.AdminState;
import io.appliance.config.cluster.AuthKey;
import io.appliance.config.cluster.AuthMethod;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterProperties;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.OperationDefinition;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.ResourceConfiguration;
import io.appliance.config.cluster.ResourceMeta;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterServiceTest {

    @TempDir
    Path stateDirectory;

    private final AtomicBoolean running = new AtomicBoolean();

    /** One node talking to itself on its own thread. */
    private static final class LoopbackTransport implements ClusterTransport {
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private volatile Listener listener;
        private volatile boolean closed;

        @Override
        public String localNode() {
            return "solo";
        }

        @Override
        public void start(Listener newListener) {
            this.listener = newListener;
            thread.execute(() -> newListener.onView(new MembershipView(1, List.of("solo"))));
        }

        @Override
        public void broadcast(byte[] payload) {
            send("solo", payload);
        }

        @Override
        public void send(String node, byte[] payload) {
            if (!closed && node.equals("solo")) {
                thread.execute(() -> listener.onMessage("solo", payload));
            }
        }

        /** A one-node cluster is its own coordinator: the runtime never asks. */
        @Override
        public void rejoin() {
            throw new AssertionError("a one-node cluster has no other coordinator to lose");
        }

        @Override
        public void close() {
            closed = true;
            thread.shutdownNow();
        }
    }

    private ClusterDefinition definition() {
        PrimitiveDefinition dummy = new PrimitiveDefinition("d", "Dummy", Map.of(),
                List.of(OperationDefinition.monitor(Duration.ofSeconds(1))), ResourceMeta.empty());
        return ClusterDefinition.withDefaults("one", new AuthKey(AuthMethod.SHA256, "secret-secret"),
                List.of(new ClusterNodeDefinition("solo", NodeRole.STORAGE, 1, List.of("127.0.0.1"))),
                new ResourceConfiguration(List.of(dummy), List.of(), List.of(), List.of(), List.of(),
                        ClusterProperties.defaults()));
    }

    private AgentRegistry agents() {
        ResourceAgent agent = new ResourceAgent() {
            @Override
            public AgentResult start() {
                running.set(true);
                return AgentResult.ok();
            }

            @Override
            public AgentResult stop() {
                running.set(false);
                return AgentResult.ok();
            }

            @Override
            public AgentResult monitor() {
                return running.get() ? AgentResult.ok() : AgentResult.notRunning("stopped");
            }
        };
        return new AgentRegistry(List.of(new ResourceAgentFactory() {
            @Override
            public Set<String> types() {
                return Set.of("Dummy");
            }

            @Override
            public ResourceAgent create(PrimitiveDefinition resource) {
                return agent;
            }
        }));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void runsTheRuntimeOnItsThreadAppliesAdminChangesAndLeavesOnClose() throws Exception {
        LoopbackTransport transport = new LoopbackTransport();
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        ClusterService service = new ClusterService(definition(), "solo", transport, agents(), List.of(),
                new FileAdminStateStore(stateDirectory), Map::of);
        try {
            AutoCloseable subscription = service.subscribe(events::add);
            service.start();
            await(running::get);
            assertThat(service.status().quorate()).isTrue();
            assertThat(service.status().coordinator()).isEqualTo("solo");

            AdminState state = service.requestAdminChange(
                    new AdminChange(AdminChange.Kind.STANDBY, null, "solo", true, null))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(state.standbyNodes()).containsExactly("solo");
            await(() -> !running.get());
            assertThat(new FileAdminStateStore(stateDirectory).load().standbyNodes()).containsExactly("solo");

            service.requestAdminChange(new AdminChange(AdminChange.Kind.ONLINE, null, "solo", false, null))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            await(running::get);
            subscription.close();
            assertThat(events).extracting(ClusterEvent::kind).contains("view", "quorum", "decision", "resource",
                    "admin");
        } finally {
            service.close();
        }
        assertThat(running).isFalse();
        assertThat(transport.closed).isTrue();
    }
}
