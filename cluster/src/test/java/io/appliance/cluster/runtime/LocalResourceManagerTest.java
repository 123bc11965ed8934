package io.appliance.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.agent.AgentRegistry;
import io.appliance.cluster.agent.AgentResult;
import io.appliance.cluster.agent.OcfStatus;
import io.appliance.cluster.agent.ResourceAgent;
import io.appliance.cluster.agent.ResourceAgentFactory;
import io.appliance.config.cluster.ClusterProperties;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.ResourceConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalResourceManagerTest {

    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private final CountDownLatch stopEntered = new CountDownLatch(1);

    private final ResourceAgent agent = new ResourceAgent() {
        @Override
        public AgentResult start() throws InterruptedException {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return AgentResult.ok();
        }

        @Override
        public AgentResult stop() throws InterruptedException {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            stopEntered.countDown();
            Thread.sleep(50);
            concurrent.decrementAndGet();
            return AgentResult.ok();
        }

        @Override
        public AgentResult monitor() {
            return AgentResult.notRunning("stopped");
        }
    };

    @Test
    void aHungOperationIsInterruptedAtItsTimeoutAndOperationsOfOneResourceNeverOverlap() throws Exception {
        ExecutorService workers = Executors.newCachedThreadPool();
        ExecutorService state = Executors.newSingleThreadExecutor();
        try {
            ResourceAgentFactory factory = new ResourceAgentFactory() {
                @Override
                public Set<String> types() {
                    return Set.of("Dummy");
                }

                @Override
                public ResourceAgent create(PrimitiveDefinition resource) {
                    return agent;
                }
            };
            ResourceConfiguration resources = new ResourceConfiguration(
                    List.of(PrimitiveDefinition.of("d", "Dummy", Map.of())), List.of(), List.of(), List.of(),
                    List.of(), ClusterProperties.defaults());
            LocalResourceManager lrm = new LocalResourceManager(new AgentRegistry(List.of(factory)), resources,
                    workers, state, Clock.systemUTC());
            LinkedBlockingQueue<OperationOutcome> outcomes = new LinkedBlockingQueue<>();
            List<String> order = Collections.synchronizedList(new ArrayList<>());

            state.submit(() -> {
                lrm.execute("d", "start", Duration.ofMillis(200), outcomes::add);
                lrm.execute("d", "stop", Duration.ofSeconds(5), o -> {
                    order.add("stop");
                    outcomes.add(o);
                });
            }).get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            OperationOutcome first = null;
            while (first == null && System.nanoTime() < deadline) {
                state.submit(lrm::tick).get();
                first = outcomes.poll(20, TimeUnit.MILLISECONDS);
            }

            assertThat(first).isNotNull();
            assertThat(first.operation()).isEqualTo("start");
            assertThat(first.result().status()).isEqualTo(OcfStatus.TIMEOUT);
            assertThat(first.took()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            OperationOutcome second = outcomes.poll(5, TimeUnit.SECONDS);
            assertThat(second).isNotNull();
            assertThat(second.operation()).isEqualTo("stop");
            assertThat(second.result().isOk()).isTrue();
            assertThat(interrupted).isTrue();
            assertThat(maxConcurrent.get()).isEqualTo(1);
            assertThat(state.submit(() -> lrm.busy("d")).get()).isFalse();
        } finally {
            workers.shutdownNow();
            state.shutdownNow();
            assertThat(workers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
