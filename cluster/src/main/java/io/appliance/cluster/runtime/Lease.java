package io.appliance.cluster.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The quorum lease: when this node last heard from each node (itself included, through its own broadcasts).
 * A node is a lease holder while its last message is younger than {@code deadtime}; a node cut off from the
 * others therefore loses quorum at most {@code deadtime} after the cut, whatever its view says.
 */
final class Lease {

    private final Duration deadtime;
    private final Map<String, Instant> lastHeard = new HashMap<>();

    Lease(Duration deadtime) {
        this.deadtime = deadtime;
    }

    void heard(String node, Instant at) {
        lastHeard.put(node, at);
    }

    Set<String> holders(Instant now) {
        return lastHeard.entrySet().stream()
                .filter(entry -> Duration.between(entry.getValue(), now).compareTo(deadtime) < 0)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }
}
