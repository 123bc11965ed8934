package io.appliance.cluster.agent;

import java.util.List;
import java.util.Objects;

/**
 * How one external command ended.
 *
 * @param argv     the command that was run
 * @param outcome  whether it exited, timed out or could not be started
 * @param exitCode its exit code when it {@link Outcome#EXITED}, else -1
 * @param stdout   what it wrote to standard output (possibly cut at the runner's output limit)
 * @param stderr   what it wrote to standard error, or why it could not be started
 */
public record CommandResult(List<String> argv, Outcome outcome, int exitCode, String stdout, String stderr) {

    /** How the command ended. */
    public enum Outcome {
        /** It ran and exited with {@link #exitCode()}. */
        EXITED,
        /** It outlived its timeout and was killed with its descendants. */
        TIMED_OUT,
        /** The program does not exist (not found on the PATH or at its path). */
        NOT_INSTALLED,
        /** It exists but could not be started (permissions, not executable). */
        NOT_STARTED
    }

    public CommandResult {
        argv = List.copyOf(argv);
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public static CommandResult exited(List<String> argv, int exitCode, String stdout, String stderr) {
        return new CommandResult(argv, Outcome.EXITED, exitCode, stdout, stderr);
    }

    public static CommandResult timedOut(List<String> argv, String stdout, String stderr) {
        return new CommandResult(argv, Outcome.TIMED_OUT, -1, stdout, stderr);
    }

    public static CommandResult notInstalled(List<String> argv, String why) {
        return new CommandResult(argv, Outcome.NOT_INSTALLED, -1, "", why);
    }

    public static CommandResult notStarted(List<String> argv, String why) {
        return new CommandResult(argv, Outcome.NOT_STARTED, -1, "", why);
    }

    /** It exited with code 0. */
    public boolean succeeded() {
        return outcome == Outcome.EXITED && exitCode == 0;
    }

    public boolean exitedWith(int code) {
        return outcome == Outcome.EXITED && exitCode == code;
    }

    /** The command line as an operator would type it. */
    public String commandLine() {
        return String.join(" ", argv);
    }

    /** One line for a log or an agent's reason: the command, how it ended and its last error line. */
    public String describe() {
        String how = switch (outcome) {
            case EXITED -> "exit code " + exitCode;
            case TIMED_OUT -> "timed out and was killed";
            case NOT_INSTALLED -> "not installed";
            case NOT_STARTED -> "could not be started";
        };
        String said = lastLine(stderr.isBlank() ? stdout : stderr);
        return "`" + commandLine() + "` " + how + (said.isEmpty() ? "" : ": " + said);
    }

    /** The last non-blank line of {@code text}, trimmed, or empty. */
    public static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }
}
