package io.appliance.cluster.agent;

import java.util.Objects;

/**
 * A failed step inside an agent (a tool that failed, is missing or timed out), carrying the OCF status and the
 * operator's reason. The tool wrappers throw it; each agent turns it into its {@link AgentResult} in one place.
 */
public final class AgentException extends Exception {

    private static final long serialVersionUID = 1L;

    private final OcfStatus status;

    public AgentException(OcfStatus status, String reason) {
        super(reason);
        this.status = Objects.requireNonNull(status, "status");
    }

    public OcfStatus status() {
        return status;
    }

    public AgentResult toResult() {
        return AgentResult.of(status, getMessage());
    }

    /** One step of an agent operation. */
    @FunctionalInterface
    interface Step {
        AgentResult run() throws AgentException, InterruptedException;
    }

    /** Runs {@code step}, turning a thrown {@link AgentException} into its result: the one place agents map them. */
    static AgentResult resultOf(Step step) throws InterruptedException {
        try {
            return step.run();
        } catch (AgentException e) {
            return e.toResult();
        }
    }

    /**
     * The exception for a command that did not succeed: a missing program is {@link OcfStatus#ERR_INSTALLED} with
     * the package to install, anything else {@link OcfStatus#ERR_GENERIC} with what the command said.
     */
    static AgentException from(CommandResult result, String debianPackage) {
        if (result.outcome() == CommandResult.Outcome.NOT_INSTALLED) {
            return new AgentException(OcfStatus.ERR_INSTALLED, result.argv().get(0) + " is not installed: apt-get install "
                    + debianPackage);
        }
        if (result.outcome() == CommandResult.Outcome.NOT_STARTED) {
            return new AgentException(OcfStatus.ERR_PERM, result.describe());
        }
        return new AgentException(OcfStatus.ERR_GENERIC, result.describe());
    }
}
