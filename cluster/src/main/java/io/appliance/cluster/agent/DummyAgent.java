package io.appliance.cluster.agent;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A resource that only records its state in a file (Pacemaker's ocf:pacemaker:Dummy), for tests and
 * placeholders. Parameters: {@code state} (the state file; default given by the factory) and {@code op_sleep}
 * (how long start, stop and monitor take, default 0: lets tests provoke operation timeouts). The sleep reacts to
 * interruption.
 */
public final class DummyAgent implements ResourceAgent {

    private final PrimitiveDefinition resource;
    private final AgentParameters parameters;
    private final Path defaultStateFile;

    /**
     * @param defaultStateFile the state file when the resource has no {@code state} parameter
     */
    public DummyAgent(PrimitiveDefinition resource, Path defaultStateFile) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.parameters = new AgentParameters(resource);
        this.defaultStateFile = Objects.requireNonNull(defaultStateFile, "defaultStateFile");
    }

    @Override
    public AgentResult start() throws InterruptedException {
        return AgentException.resultOf(() -> {
            StateFile state = state();
            sleep();
            state.create(resource.id() + "\n");
            return AgentResult.ok();
        });
    }

    @Override
    public AgentResult stop() throws InterruptedException {
        return AgentException.resultOf(() -> {
            StateFile state = state();
            sleep();
            state.delete();
            return AgentResult.ok();
        });
    }

    @Override
    public AgentResult monitor() throws InterruptedException {
        return AgentException.resultOf(() -> {
            StateFile state = state();
            sleep();
            return state.exists() ? AgentResult.ok() : AgentResult.notRunning("no state file " + state.path());
        });
    }

    private StateFile state() {
        return new StateFile(parameters.optional("state").map(Path::of).orElse(defaultStateFile));
    }

    private void sleep() throws AgentException, InterruptedException {
        Duration opSleep = parameters.duration("op_sleep", Duration.ZERO);
        if (!opSleep.isZero()) {
            Thread.sleep(opSleep.toMillis(), opSleep.toNanosPart() % 1_000_000);
        }
    }
}
