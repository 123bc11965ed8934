package io.appliance.cluster.agent;

import java.util.Objects;

/**
 * What one operation of a resource agent found or did.
 *
 * @param status the OCF outcome
 * @param reason what happened, in words an operator can act on (empty for a plain success)
 */
public record AgentResult(OcfStatus status, String reason) {

    public AgentResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
    }

    public static AgentResult ok() {
        return new AgentResult(OcfStatus.OK, "");
    }

    public static AgentResult notRunning(String why) {
        return new AgentResult(OcfStatus.NOT_RUNNING, why);
    }

    public static AgentResult failed(String reason) {
        return new AgentResult(OcfStatus.ERR_GENERIC, reason);
    }

    public static AgentResult of(OcfStatus status, String reason) {
        return new AgentResult(status, reason);
    }

    public boolean isOk() {
        return status == OcfStatus.OK;
    }
}
