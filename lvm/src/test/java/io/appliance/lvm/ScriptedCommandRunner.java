package io.appliance.lvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A {@link CommandRunner} for tests: answers an expected sequence of argvs with canned results,
 * usually fixtures captured from real lvm2 runs ({@code src/test/resources/fixtures/capture.sh}).
 * An argv that is not the next expected one fails the test with an {@link AssertionError}, which
 * no production code catches. Thread safe.
 */
public final class ScriptedCommandRunner implements CommandRunner {

    private record Expectation(List<String> argv, CommandResult result, LvmException failure) {
    }

    private final Deque<Expectation> expected = new ArrayDeque<>();
    private final List<List<String>> commandsRun = new ArrayList<>();
    private final List<Duration> timeouts = new ArrayList<>();

    /** The argv prefix lvm2 commands get on a node without device-mapper. */
    public static final List<String> NO_DM = List.of("--driverloaded", "n");

    /** The result captured in {@code fixtures/NAME.stdout}, {@code NAME.stderr} and {@code NAME.exit}. */
    public static CommandResult fixture(String name) {
        return new CommandResult(Integer.parseInt(resource(name + ".exit").strip()), resource(name + ".stdout"),
                resource(name + ".stderr"));
    }

    /** The next command must be {@code argv}; it gets {@code result}. */
    public synchronized ScriptedCommandRunner expect(List<String> argv, CommandResult result) {
        expected.add(new Expectation(List.copyOf(argv), result, null));
        return this;
    }

    /** The next command must be {@code argv}; it gets the fixture's captured result. */
    public ScriptedCommandRunner expect(List<String> argv, String fixture) {
        return expect(argv, fixture(fixture));
    }

    /** The next command must be {@code argv}; running it throws {@code failure} (a missing tool, a timeout). */
    public synchronized ScriptedCommandRunner expectFailure(List<String> argv, LvmException failure) {
        expected.add(new Expectation(List.copyOf(argv), null, failure));
        return this;
    }

    /** The device-mapper probe, answered as on the lab machines: no device-mapper. */
    public ScriptedCommandRunner expectNoDeviceMapper() {
        return expect(List.of("dmsetup", "version"), "dmsetup_version");
    }

    /** The device-mapper probe, answered as on a kernel with device-mapper. */
    public ScriptedCommandRunner expectDeviceMapper() {
        return expect(List.of("dmsetup", "version"),
                new CommandResult(0, "Library version:   1.02.185 (2022-05-18)\nDriver version:    4.48.0\n", ""));
    }

    @Override
    public synchronized CommandResult run(List<String> command, Duration timeout) throws LvmException {
        commandsRun.add(List.copyOf(command));
        timeouts.add(timeout);
        Expectation next = expected.poll();
        if (next == null) {
            throw new AssertionError("unexpected command (none expected): " + String.join(" ", command));
        }
        if (!next.argv().equals(command)) {
            throw new AssertionError("unexpected command:\n  ran:      " + String.join(" ", command)
                    + "\n  expected: " + String.join(" ", next.argv()));
        }
        if (next.failure() != null) {
            throw next.failure();
        }
        return next.result();
    }

    public synchronized List<List<String>> commandsRun() {
        return List.copyOf(commandsRun);
    }

    public synchronized List<Duration> timeouts() {
        return List.copyOf(timeouts);
    }

    /** Fails unless every expected command ran. */
    public synchronized void assertAllRun() {
        if (!expected.isEmpty()) {
            throw new AssertionError("expected commands that never ran: "
                    + expected.stream().map(e -> String.join(" ", e.argv())).toList());
        }
    }

    private static String resource(String name) {
        try (InputStream in = ScriptedCommandRunner.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
