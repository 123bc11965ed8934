package io.appliance.cluster.kit;

import io.appliance.cluster.agent.AgentResult;
import io.appliance.cluster.agent.ResourceAgent;
import io.appliance.cluster.agent.ResourceAgentFactory;
import io.appliance.cluster.runtime.LocalResourceManager;
import io.appliance.config.cluster.PrimitiveDefinition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-memory resource agents for every node: a "started" flag per (node, resource), a log of operations in
 * order, scripted results and hangs. A start sets the flag before it answers (a failed start leaves the resource
 * possibly active); only a successful stop clears it. A crashed node loses every flag (the machine is down).
 */
public final class FakeAgents {

    private final Map<String, Set<String>> started = new HashMap<>();
    private final List<String> log = new ArrayList<>();
    private final Map<String, Deque<AgentResult>> scripted = new HashMap<>();
    private final Set<String> hangs = new HashSet<>();
    private final Set<String> types;

    public FakeAgents(Set<String> types) {
        this.types = Set.copyOf(types);
    }

    public ResourceAgentFactory factoryFor(String node) {
        return new ResourceAgentFactory() {
            @Override
            public Set<String> types() {
                return types;
            }

            @Override
            public ResourceAgent create(PrimitiveDefinition resource) {
                return new Agent(node, resource.id());
            }
        };
    }

    /** The next {@code operation} of the resource on the node answers {@code result} (queued, in order). */
    public void script(String node, String resource, String operation, AgentResult result) {
        scripted.computeIfAbsent(key(node, resource, operation), k -> new ArrayDeque<>()).add(result);
    }

    /** The operation hangs until the manager's timeout (the task never runs). */
    public void hang(String node, String resource, String operation) {
        hangs.add(key(node, resource, operation));
    }

    public void unhang(String node, String resource, String operation) {
        hangs.remove(key(node, resource, operation));
    }

    /** Whether the kit's worker queue must park this task. */
    boolean parks(String node, Runnable task) {
        return task instanceof LocalResourceManager.OperationTask op
                && hangs.contains(key(node, op.resourceId(), op.operation()));
    }

    /** The resource runs on the node without the cluster having started it (left over from before a restart). */
    public void stray(String node, String resource) {
        started.computeIfAbsent(node, n -> new HashSet<>()).add(resource);
    }

    /** The resource dies behind the cluster's back (its next monitor fails). */
    public void kill(String node, String resource) {
        started.getOrDefault(node, new HashSet<>()).remove(resource);
    }

    public boolean isStarted(String node, String resource) {
        return started.getOrDefault(node, Set.of()).contains(resource);
    }

    public Set<String> startedOn(String node) {
        return Set.copyOf(started.getOrDefault(node, Set.of()));
    }

    /** "node1 start vip" lines in the order the operations ran (monitors are not logged). */
    public List<String> log() {
        return List.copyOf(log);
    }

    public List<String> log(String node, String operation) {
        return log.stream().filter(line -> line.startsWith(node + " " + operation + " "))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1)).toList();
    }

    public void clearLog() {
        log.clear();
    }

    void machineDown(String node) {
        started.remove(node);
    }

    private static String key(String node, String resource, String operation) {
        return node + "/" + resource + "/" + operation;
    }

    private final class Agent implements ResourceAgent {
        private final String node;
        private final String resource;

        Agent(String node, String resource) {
            this.node = node;
            this.resource = resource;
        }

        @Override
        public AgentResult start() {
            log.add(node + " start " + resource);
            started.computeIfAbsent(node, n -> new HashSet<>()).add(resource);
            return next("start", AgentResult.ok());
        }

        @Override
        public AgentResult stop() {
            log.add(node + " stop " + resource);
            AgentResult result = next("stop", AgentResult.ok());
            if (result.isOk()) {
                started.getOrDefault(node, new HashSet<>()).remove(resource);
            }
            return result;
        }

        @Override
        public AgentResult monitor() {
            return next("monitor", isStarted(node, resource) ? AgentResult.ok()
                    : AgentResult.notRunning("not started"));
        }

        private AgentResult next(String operation, AgentResult otherwise) {
            Deque<AgentResult> queue = scripted.get(key(node, resource, operation));
            return queue == null || queue.isEmpty() ? otherwise : queue.poll();
        }
    }
}
