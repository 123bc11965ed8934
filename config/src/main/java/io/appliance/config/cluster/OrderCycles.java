package io.appliance.config.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a cycle in the order graph: an edge per order constraint ({@code first -> then}) and the implied
 * edges between consecutive members of each group.
 */
final class OrderCycles {

    /** An edge; {@code constraint} is the index in {@code orders}, or -1 for the order inside a group. */
    private record Edge(String to, int constraint) {
    }

    private final Map<String, List<Edge>> edges = new LinkedHashMap<>();
    private final Map<String, Integer> state = new HashMap<>();
    private final List<String> path = new ArrayList<>();
    private final List<Integer> pathConstraints = new ArrayList<>();

    private OrderCycles() {
    }

    static void check(List<GroupDefinition> groups, List<OrderConstraint> orders) {
        OrderCycles graph = new OrderCycles();
        for (GroupDefinition group : groups) {
            for (int i = 1; i < group.members().size(); i++) {
                graph.edge(group.members().get(i - 1), group.members().get(i), -1);
            }
        }
        for (int i = 0; i < orders.size(); i++) {
            graph.edge(orders.get(i).first(), orders.get(i).then(), i);
        }
        for (String start : new ArrayList<>(graph.edges.keySet())) {
            graph.visit(start);
        }
    }

    private void edge(String from, String to, int constraint) {
        edges.computeIfAbsent(from, key -> new ArrayList<>()).add(new Edge(to, constraint));
    }

    private static final int VISITING = 1;
    private static final int DONE = 2;

    private void visit(String node) {
        Integer current = state.get(node);
        if (current != null && current == DONE) {
            return;
        }
        state.put(node, VISITING);
        path.add(node);
        for (Edge edge : edges.getOrDefault(node, List.of())) {
            pathConstraints.add(edge.constraint());
            Integer next = state.get(edge.to());
            if (next != null && next == VISITING) {
                fail(edge.to());
            }
            visit(edge.to());
            pathConstraints.remove(pathConstraints.size() - 1);
        }
        path.remove(path.size() - 1);
        state.put(node, DONE);
    }

    private void fail(String repeated) {
        int start = path.indexOf(repeated);
        List<String> cycle = new ArrayList<>(path.subList(start, path.size()));
        cycle.add(repeated);
        int constraint = pathConstraints.subList(start, pathConstraints.size()).stream()
                .filter(index -> index >= 0).findFirst().orElse(-1);
        throw new ClusterDefinitionException(constraint < 0 ? "orders" : "orders[" + constraint + "]",
                "order constraints form a cycle: " + String.join(" -> ", cycle)
                        + " (the order inside a group counts); remove one of them");
    }
}
