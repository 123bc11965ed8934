package io.appliance.cluster.fence;

import java.util.Objects;

/**
 * The end of fencing one node with one device.
 *
 * @param outcome  success only when the device confirmed the node is off (or rebooted)
 * @param detail   what the device said (its output's last line, the exit code, or the timeout)
 * @param attempts how many times the device was run
 */
public record FenceResult(FenceOutcome outcome, String detail, int attempts) {

    public FenceResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
    }

    public boolean succeeded() {
        return outcome == FenceOutcome.SUCCESS;
    }
}
