package io.appliance.itest.harness;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * What one external command did.
 *
 * @param command  the argv that ran
 * @param exitCode its exit status, or {@link #TIMED_OUT} when it was killed at its timeout
 * @param timedOut whether it was killed at its timeout
 * @param elapsed  wall-clock time from start to exit (or to the kill)
 * @param stdoutBytes everything it wrote to standard output, byte for byte
 * @param stderrBytes everything it wrote to standard error
 */
public record ToolResult(List<String> command, int exitCode, boolean timedOut, Duration elapsed,
        byte[] stdoutBytes, byte[] stderrBytes) {

    /** The exit code reported for a command killed at its timeout. */
    public static final int TIMED_OUT = -1;

    /** How much of each stream {@link #describe()} shows. */
    private static final int DESCRIBED_CHARACTERS = 4000;

    public String stdout() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    public String stderr() {
        return new String(stderrBytes, StandardCharsets.UTF_8);
    }

    /** Standard output decoded one byte per character, for output that carries binary fields. */
    public String stdoutLatin1() {
        return new String(stdoutBytes, StandardCharsets.ISO_8859_1);
    }

    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /** A summary for assertion messages: the command, how it ended, and the tail of both streams. */
    public String describe() {
        String ending = timedOut ? "timed out after " + elapsed.toMillis() + " ms" : "exit " + exitCode;
        return String.join(" ", command) + " -> " + ending
                + "\n--- stdout ---\n" + tail(stdout()) + "\n--- stderr ---\n" + tail(stderr());
    }

    @Override
    public String toString() {
        return describe();
    }

    private static String tail(String text) {
        return text.length() <= DESCRIBED_CHARACTERS ? text : "..." + text.substring(text.length() - DESCRIBED_CHARACTERS);
    }
}
