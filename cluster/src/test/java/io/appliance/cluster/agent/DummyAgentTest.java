package io.appliance.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DummyAgentTest {

    @TempDir
    Path directory;

    @Test
    void startMonitorStopFollowTheStateFile() throws Exception {
        Path stateFile = directory.resolve("cluster/dummy-d1.state");
        DummyAgent agent = new DummyAgent(PrimitiveDefinition.of("d1", "Dummy", Map.of()), stateFile);

        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(agent.start()).isEqualTo(AgentResult.ok());
        assertThat(stateFile).exists();
        assertThat(agent.start()).isEqualTo(AgentResult.ok());
        assertThat(agent.monitor()).isEqualTo(AgentResult.ok());
        assertThat(agent.stop()).isEqualTo(AgentResult.ok());
        assertThat(stateFile).doesNotExist();
        assertThat(agent.stop()).isEqualTo(AgentResult.ok());
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
    }

    @Test
    void theStateParameterWinsOverTheDefault() throws Exception {
        Path configured = directory.resolve("configured.state");
        DummyAgent agent = new DummyAgent(PrimitiveDefinition.of("d2", "Dummy", Map.of("state", configured.toString())),
                directory.resolve("default.state"));

        agent.start();

        assertThat(configured).exists();
        assertThat(directory.resolve("default.state")).doesNotExist();
    }

    @Test
    void opSleepMakesOperationsTakeThatLong() throws Exception {
        DummyAgent agent = new DummyAgent(PrimitiveDefinition.of("d3", "Dummy", Map.of("op_sleep", "200ms")),
                directory.resolve("d3.state"));

        long begin = System.nanoTime();
        assertThat(agent.start().status()).isEqualTo(OcfStatus.OK);

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void opSleepReactsToInterruption() throws Exception {
        Path stateFile = directory.resolve("d4.state");
        DummyAgent agent = new DummyAgent(PrimitiveDefinition.of("d4", "Dummy", Map.of("op_sleep", "60s")), stateFile);
        CompletableFuture<AgentResult> start = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                start.complete(agent.start());
            } catch (Throwable e) {
                start.completeExceptionally(e);
            }
        });
        thread.start();
        try {
            thread.interrupt();
            assertThatThrownBy(() -> start.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InterruptedException.class);
            assertThat(Files.exists(stateFile)).isFalse();
        } finally {
            thread.interrupt();
            thread.join(5000);
        }
    }

    @Test
    void opSleepAcceptsTheOperatorsDurationForms() throws Exception {
        AgentParameters absent = new AgentParameters(PrimitiveDefinition.of("d5", "Dummy", Map.of()));
        AgentParameters seconds = new AgentParameters(PrimitiveDefinition.of("d6", "Dummy", Map.of("op_sleep", "2")));

        assertThat(absent.duration("op_sleep", Duration.ZERO)).isEqualTo(Duration.ZERO);
        assertThat(seconds.duration("op_sleep", Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
    }
}
