package io.appliance.config.cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A fence device: an external command following the Pacemaker fence-agent convention (the parameters are
 * written to its standard input as {@code key=value} lines).
 *
 * @param name unique among the devices
 * @param command the program with its arguments separated by spaces, e.g. {@code /usr/sbin/fence_ipmilan}
 * @param nodes the configured nodes this device can fence (at least one; checked against the nodes by
 *     {@link ClusterDefinition})
 * @param parameters {@code key=value} lines for the agent; keys {@code [A-Za-z0-9_-]+}, values one line
 * @param timeout bound of one attempt, 1 s .. 10 min (default 20 s)
 * @param retries attempts after the first one, 0..10 (default 2)
 */
public record FenceDeviceDefinition(String name, String command, List<String> nodes,
        Map<String, String> parameters, Duration timeout, int retries) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    public static final int DEFAULT_RETRIES = 2;
    public static final int MAX_RETRIES = 10;

    private static final Pattern PARAMETER_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public FenceDeviceDefinition {
        Checks.name(name, "name", "fence device name");
        Checks.notNull(command, "command");
        Checks.require(!command.isBlank() && command.chars().noneMatch(c -> c < 0x20), "command",
                "fence device " + name + ": command must be one non-empty line");
        Checks.notNull(nodes, "nodes");
        Checks.require(!nodes.isEmpty(), "nodes", "fence device " + name + ": name the nodes it can fence");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Checks.name(nodes.get(i), "nodes[" + i + "]", "node name");
            Checks.require(seen.add(nodes.get(i)), "nodes[" + i + "]",
                    "fence device " + name + ": node " + nodes.get(i) + " is listed twice");
        }
        nodes = List.copyOf(nodes);
        parameters = Checks.sortedCopy(parameters, "parameters");
        parameters.forEach((key, value) -> {
            Checks.require(PARAMETER_KEY.matcher(key).matches(), "parameters." + key,
                    "fence device " + name + ": parameter name '" + key + "' must be 1 to 64 of A-Z a-z 0-9 _ -");
            Checks.require(value.chars().noneMatch(c -> c == '\n' || c == '\r' || c == 0), "parameters." + key,
                    "fence device " + name + ": parameter " + key + " must be one line");
        });
        Checks.duration(timeout, "timeout", Duration.ofSeconds(1), Duration.ofMinutes(10));
        Checks.require(retries >= 0 && retries <= MAX_RETRIES, "retries",
                "fence device " + name + ": retries " + retries + " out of range 0.." + MAX_RETRIES);
    }

    /** A device with the default timeout and retries. */
    public static FenceDeviceDefinition of(String name, String command, List<String> nodes, Map<String, String> parameters) {
        return new FenceDeviceDefinition(name, command, nodes, parameters, DEFAULT_TIMEOUT, DEFAULT_RETRIES);
    }

    /** Whether this device can fence {@code node}. */
    public boolean canFence(String node) {
        return nodes.contains(node);
    }
}
