package io.appliance.cluster.agent;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A service with an LSB init script (Heartbeat's bare resource names, Pacemaker's {@code lsb:} class): runs
 * {@code /etc/init.d/NAME start|stop|status}, each bounded by the operation's configured timeout. Start and stop
 * succeed on exit code 0 (LSB requires 0 for starting a running service and stopping a stopped one). Status codes
 * (LSB 3.0, init script actions): 0 running, 3 not running, 1 and 2 dead with a pid or lock file left, 4 unknown.
 */
public final class LsbAgent implements ResourceAgent {

    /** The resource type prefix of LSB services. */
    public static final String TYPE_PREFIX = "lsb:";

    private final PrimitiveDefinition resource;
    private final AgentParameters parameters;
    private final Path script;
    private final CommandRunner runner;

    /**
     * @param initDirectory {@code /etc/init.d} (a temporary directory in tests)
     */
    public LsbAgent(PrimitiveDefinition resource, Path initDirectory, CommandRunner runner) {
        this.resource = Objects.requireNonNull(resource, "resource");
        if (!resource.type().startsWith(TYPE_PREFIX) || resource.type().length() == TYPE_PREFIX.length()) {
            throw new IllegalArgumentException("not an lsb:<name> type: " + resource.type());
        }
        this.parameters = new AgentParameters(resource);
        this.script = initDirectory.resolve(resource.type().substring(TYPE_PREFIX.length()));
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    @Override
    public AgentResult start() throws InterruptedException {
        if (!Files.isExecutable(script)) {
            return missing();
        }
        CommandResult result = run("start");
        return result.succeeded() ? AgentResult.ok() : failure(result);
    }

    @Override
    public AgentResult stop() throws InterruptedException {
        if (!Files.exists(script)) {
            return AgentResult.of(OcfStatus.OK, script + " does not exist, so the service is not running");
        }
        if (!Files.isExecutable(script)) {
            return missing();
        }
        CommandResult result = run("stop");
        return result.succeeded() ? AgentResult.ok() : failure(result);
    }

    @Override
    public AgentResult monitor() throws InterruptedException {
        if (!Files.isExecutable(script)) {
            return missing();
        }
        CommandResult result = run("status");
        if (result.outcome() != CommandResult.Outcome.EXITED) {
            return failure(result);
        }
        return switch (result.exitCode()) {
            case 0 -> AgentResult.ok();
            case 3 -> AgentResult.notRunning(script.getFileName() + " is not running");
            case 1 -> AgentResult.failed(script.getFileName() + " is dead but its pid file exists (status 1)");
            case 2 -> AgentResult.failed(script.getFileName() + " is dead but its lock file exists (status 2)");
            default -> AgentResult.failed(result.describe());
        };
    }

    private CommandResult run(String action) throws InterruptedException {
        return runner.run(List.of(script.toString(), action), parameters.operationTimeout(
                action.equals("status") ? "monitor" : action));
    }

    private AgentResult missing() {
        return AgentResult.of(OcfStatus.ERR_INSTALLED, script + " does not exist or is not executable: install the"
                + " service of resource " + resource.id() + " on this node");
    }

    private static AgentResult failure(CommandResult result) {
        return AgentException.from(result, "the service's package").toResult();
    }
}
