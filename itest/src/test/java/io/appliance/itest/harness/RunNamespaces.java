package io.appliance.itest.harness;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Network namespaces named {@code <family><pid>x<n>...} after the test JVM that made them, shared by the
 * labs ({@link NetworkLab}, {@link ClusterLab}): the pid tells whether the run that owns a namespace
 * is still alive, so leftovers of killed runs can be removed without touching a concurrent run's.
 */
final class RunNamespaces {

    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(20);

    private final Pattern ownedName;
    private final String labName;

    /**
     * @param family  the prefix family, such as {@code itr}
     * @param labName for clean-up messages, such as {@code network lab}
     */
    RunNamespaces(String family, String labName) {
        this.ownedName = Pattern.compile("^" + Pattern.quote(family) + "(\\d+)x\\d+.*");
        this.labName = labName;
    }

    /** Deletes the namespaces of this family whose owning JVM is gone. */
    void removeLeftoversOfDeadRuns() throws IOException, InterruptedException {
        ToolResult list = Tool.of("ip", "netns", "list").timeout(COMMAND_LIMIT).run();
        if (!list.succeeded()) {
            return;
        }
        for (String line : list.stdout().split("\n")) {
            String name = line.strip().split("\\s+")[0];
            ownerPid(name).filter(pid -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true))
                    .ifPresent(deadPid -> delete(name));
        }
    }

    /** The pid in a namespace name of this family. */
    Optional<Long> ownerPid(String name) {
        Matcher matcher = ownedName.matcher(name);
        return matcher.matches() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
    }

    /** Deletes one namespace; never throws, reports a failure on standard error. */
    void delete(String namespace) {
        try {
            ToolResult deleted = Tool.of("ip", "netns", "delete", namespace).timeout(COMMAND_LIMIT).run();
            if (!deleted.succeeded()) {
                System.err.println(labName + " clean-up incomplete: " + deleted.describe());
            }
        } catch (IOException e) {
            System.err.println(labName + " clean-up incomplete: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
