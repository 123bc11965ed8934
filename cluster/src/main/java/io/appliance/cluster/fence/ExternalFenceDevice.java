package io.appliance.cluster.fence;

import io.appliance.cluster.agent.CommandResult;
import io.appliance.cluster.agent.CommandRunner;
import io.appliance.config.cluster.FenceAction;
import io.appliance.config.cluster.FenceDeviceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fence device run as an external command, with the calling convention of Pacemaker's fence agents
 * (fence_ipmilan, fence_virsh ...): the command gets its arguments on standard input, one {@code key=value} per
 * line: {@code action=off|reboot}, {@code port=NODE}, {@code plug=NODE}, {@code nodename=NODE}, then each configured
 * parameter. Exit code 0 means the node is off (or was rebooted). The command line is split on white space and
 * run without a shell. Each attempt is bounded by the device's timeout; after a failed or timed out attempt it is
 * retried {@code retries} times.
 */
public final class ExternalFenceDevice implements FenceDevice {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalFenceDevice.class);

    private final FenceDeviceDefinition definition;
    private final CommandRunner runner;
    private final List<String> argv;

    public ExternalFenceDevice(FenceDeviceDefinition definition, CommandRunner runner) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.argv = List.of(definition.command().trim().split("\\s+"));
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public boolean canFence(String node) {
        return definition.nodes().contains(node);
    }

    @Override
    public FenceResult fence(String node, FenceAction action) throws InterruptedException {
        String stdin = input(node, action);
        int attempts = 0;
        FenceResult last = null;
        while (attempts <= definition.retries()) {
            attempts++;
            CommandResult result = runner.run(argv, stdin, definition.timeout());
            last = toResult(result, attempts);
            if (last.succeeded()) {
                LOG.warn("fence device {}: {} of {} succeeded (attempt {})", name(), actionWord(action), node, attempts);
                return last;
            }
            LOG.error("fence device {}: {} of {} failed (attempt {} of {}): {}", name(), actionWord(action), node,
                    attempts, definition.retries() + 1, last.detail());
        }
        return last;
    }

    private FenceResult toResult(CommandResult result, int attempts) {
        return switch (result.outcome()) {
            case EXITED -> result.exitCode() == 0
                    ? new FenceResult(FenceOutcome.SUCCESS, detail(result, "exit code 0"), attempts)
                    : new FenceResult(FenceOutcome.FAILED, detail(result, "exit code " + result.exitCode()), attempts);
            case TIMED_OUT -> new FenceResult(FenceOutcome.TIMED_OUT, "`" + result.commandLine() + "` did not finish"
                    + " within " + definition.timeout() + " and was killed", attempts);
            case NOT_INSTALLED -> new FenceResult(FenceOutcome.FAILED, "fence command " + argv.get(0)
                    + " does not exist: install the fence agent or fix the command of device " + name(), attempts);
            case NOT_STARTED -> new FenceResult(FenceOutcome.FAILED, result.stderr(), attempts);
        };
    }

    private static String detail(CommandResult result, String how) {
        String said = CommandResult.lastLine(result.stderr().isBlank() ? result.stdout() : result.stderr());
        return said.isEmpty() ? how : how + ": " + said;
    }

    private String input(String node, FenceAction action) {
        List<String> lines = new ArrayList<>(List.of("action=" + actionWord(action), "port=" + node, "plug=" + node,
                "nodename=" + node));
        for (Map.Entry<String, String> parameter : definition.parameters().entrySet()) {
            lines.add(parameter.getKey() + "=" + parameter.getValue());
        }
        return String.join("\n", lines) + "\n";
    }

    private static String actionWord(FenceAction action) {
        return action.name().toLowerCase(Locale.ROOT);
    }
}
