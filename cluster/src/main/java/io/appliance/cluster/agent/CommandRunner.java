package io.appliance.cluster.agent;

import java.time.Duration;
import java.util.List;

/**
 * Runs one external tool (ip, nft, arping, mount, an init script, a fence agent) and waits for it.
 *
 * <p>Contract: blocking; the command is run directly (no shell) with {@code LC_ALL=C}; it is bounded by
 * {@code timeout}: at the timeout the process and all its descendants are killed and a
 * {@link CommandResult.Outcome#TIMED_OUT} result returned. A missing program is a
 * {@link CommandResult.Outcome#NOT_INSTALLED} result, never an exception. On interruption the process tree
 * is killed and {@link InterruptedException} thrown.
 */
public interface CommandRunner {

    /**
     * @param argv    the program and its arguments
     * @param stdin   text written to the program's standard input, which is then closed (empty: closed at once)
     * @param timeout the longest the program may run
     */
    CommandResult run(List<String> argv, String stdin, Duration timeout) throws InterruptedException;

    /** {@link #run(List, String, Duration)} with an empty standard input. */
    default CommandResult run(List<String> argv, Duration timeout) throws InterruptedException {
        return run(argv, "", timeout);
    }
}
