package io.appliance.lvm;

import java.time.Duration;
import java.util.List;

/**
 * Runs one external command. Implementations: {@link ProcessCommandRunner} (real processes) and
 * {@code ScriptedCommandRunner} (tests, canned output captured from real lvm2 runs).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code command} is an argv: element 0 is the program, looked up on {@code PATH}; no shell
 *       is involved, so arguments are never re-split or expanded.
 *   <li>The command's standard input is empty (end of file at once), so a tool that prompts
 *       reads the default answer, which for lvm2 is "no".
 *   <li>A non-zero exit status is not an error of the runner: it returns the result and the
 *       caller interprets it.
 *   <li>Blocks the calling thread until the command exits, at most {@code timeout}; after that
 *       the command is killed and {@link LvmException.Reason#TIMEOUT} is thrown. Callers must
 *       therefore not call it from an event loop.
 *   <li>{@link LvmException.Reason#TOOL_MISSING} when the program does not exist.
 *   <li>Thread safe: several commands may run at once.
 * </ul>
 */
public interface CommandRunner {

    CommandResult run(List<String> command, Duration timeout) throws LvmException;
}
