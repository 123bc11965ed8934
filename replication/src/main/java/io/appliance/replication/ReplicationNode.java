package io.appliance.replication;

import io.appliance.config.replication.ResourceDefinition;
import io.appliance.replication.engine.EventPublisher;
import io.appliance.replication.engine.ResourceEngine;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated disks of one node. Thread-safe. {@link #close()} takes every resource down (a
 * Primary is demoted first when its device is idle).
 */
public final class ReplicationNode implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ReplicationNode.class);

    private final String nodeName;
    private final ReplicationEnvironment env;
    private final EventPublisher events = new EventPublisher();
    private final Map<String, ResourceEngine> resources = new ConcurrentHashMap<>();

    public ReplicationNode(String nodeName, ReplicationEnvironment env) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.env = Objects.requireNonNull(env, "env");
    }

    public String nodeName() {
        return nodeName;
    }

    /**
     * Registers a resource (not yet up). Throws {@link IllegalArgumentException} when the
     * definition has no {@code on} section for this node, {@link ReplicationException} (INVALID)
     * when a resource of that name exists.
     */
    public ReplicatedResource add(ResourceDefinition definition) {
        definition.requireHost(nodeName);
        ResourceEngine engine = new ResourceEngine(nodeName, definition, env, events);
        if (resources.putIfAbsent(definition.name(), engine) != null) {
            engine.close();
            throw new ReplicationException(ReplicationException.Reason.INVALID,
                    definition.name() + ": resource already exists on " + nodeName);
        }
        return engine;
    }

    public Optional<ReplicatedResource> resource(String name) {
        return Optional.ofNullable(resources.get(name));
    }

    public List<ReplicatedResource> resources() {
        return List.copyOf(new ArrayList<>(resources.values()));
    }

    /** events2-like stream: every change of every resource. Close the handle to unsubscribe. */
    public AutoCloseable subscribe(Consumer<ReplicationEvent> listener) {
        return events.subscribe(listener);
    }

    /** The current state of every resource as events ({@code drbdsetup events2 --now}; render with renderExists()). */
    public List<ReplicationEvent> currentState() {
        List<ReplicationEvent> lines = new ArrayList<>();
        resources.values().forEach(engine -> lines.addAll(engine.currentStateEvents()));
        return lines;
    }

    @Override
    public void close() {
        for (ResourceEngine engine : resources.values()) {
            try {
                engine.shutdown();
            } catch (RuntimeException e) {
                log.warn("{}: down at close failed: {}", engine.name(), e.getMessage());
            }
            engine.close();
        }
        resources.clear();
    }
}
