package io.appliance.replication.engine;

import io.appliance.replication.ReplicationEvent;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans ReplicationEvents out to subscribers; a throwing subscriber is logged and kept. */
public final class EventPublisher {
    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);
    private final CopyOnWriteArrayList<Consumer<ReplicationEvent>> listeners = new CopyOnWriteArrayList<>();

    public AutoCloseable subscribe(Consumer<ReplicationEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public void publish(ReplicationEvent event) {
        for (Consumer<ReplicationEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("event listener failed on '{}': {}", event.render(), e.toString());
            }
        }
    }
}
