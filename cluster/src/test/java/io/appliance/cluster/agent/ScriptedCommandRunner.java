package io.appliance.cluster.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake {@link CommandRunner}: answers each command line with scripted results (in order; the last one repeats)
 * and records every call. An unscripted command fails the test.
 */
final class ScriptedCommandRunner implements CommandRunner {

    record Call(List<String> argv, String stdin, Duration timeout) {
        String commandLine() {
            return String.join(" ", argv);
        }
    }

    private interface Answer {
        CommandResult answer(List<String> argv);
    }

    private final Map<String, Deque<Answer>> script = new LinkedHashMap<>();
    private final List<Call> calls = new ArrayList<>();

    ScriptedCommandRunner exits(String commandLine, int exitCode, String stdout, String stderr) {
        return add(commandLine, argv -> CommandResult.exited(argv, exitCode, stdout, stderr));
    }

    ScriptedCommandRunner succeeds(String commandLine, String stdout) {
        return exits(commandLine, 0, stdout, "");
    }

    ScriptedCommandRunner succeeds(String commandLine) {
        return exits(commandLine, 0, "", "");
    }

    ScriptedCommandRunner notInstalled(String commandLine) {
        return add(commandLine, argv -> CommandResult.notInstalled(argv, argv.get(0) + " was not found"));
    }

    ScriptedCommandRunner timesOut(String commandLine) {
        return add(commandLine, argv -> CommandResult.timedOut(argv, "", ""));
    }

    private ScriptedCommandRunner add(String commandLine, Answer answer) {
        script.computeIfAbsent(commandLine, k -> new ArrayDeque<>()).add(answer);
        return this;
    }

    @Override
    public synchronized CommandResult run(List<String> argv, String stdin, Duration timeout) {
        calls.add(new Call(List.copyOf(argv), stdin, timeout));
        String commandLine = String.join(" ", argv);
        Deque<Answer> answers = script.get(commandLine);
        if (answers == null) {
            throw new AssertionError("unscripted command: " + commandLine + " (scripted: " + script.keySet() + ")");
        }
        Answer answer = answers.size() > 1 ? answers.poll() : answers.peek();
        return answer.answer(argv);
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized List<String> commandLines() {
        return calls.stream().map(Call::commandLine).toList();
    }

    /** A file captured from the real tool on a Debian 12 machine (see fixtures/). */
    static String fixture(String name) {
        try (InputStream in = ScriptedCommandRunner.class.getResourceAsStream("fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
