package io.appliance.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.replication.ReplicationEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EventSubscriptionTest {

    private final List<Consumer<ReplicationEvent>> listeners = new ArrayList<>();
    private final AtomicBoolean unsubscribed = new AtomicBoolean();
    private final List<EventSubscription> ended = new ArrayList<>();

    private EventSubscription subscribe(int capacity) {
        return new EventSubscription(capacity, listener -> {
            listeners.add(listener);
            return () -> unsubscribed.set(true);
        }, ended::add).start();
    }

    private void publish(String replication) {
        ReplicationEvent event = new ReplicationEvent(Instant.EPOCH, "peer-device", "r0",
                Map.of("replication", replication));
        listeners.forEach(listener -> listener.accept(event));
    }

    @Test
    void linesArriveInOrderAndIdleWhenNothingHappens() throws Exception {
        EventSubscription subscription = subscribe(4);
        publish("SyncSource");
        publish("Established");

        assertThat(subscription.next(Duration.ofSeconds(1)))
                .isEqualTo(new EventSubscription.Next.Line("change peer-device name:r0 replication:SyncSource"));
        assertThat(subscription.next(Duration.ofSeconds(1)))
                .isEqualTo(new EventSubscription.Next.Line("change peer-device name:r0 replication:Established"));
        assertThat(subscription.next(Duration.ofMillis(10))).isInstanceOf(EventSubscription.Next.Idle.class);
    }

    @Test
    void aReaderThatFallsBehindIsDroppedWithoutBlockingThePublisher() throws Exception {
        EventSubscription subscription = subscribe(2);
        publish("SyncSource");
        publish("PausedSyncS");
        publish("SyncSource");
        publish("Established");

        assertThat(subscription.next(Duration.ofSeconds(1))).isEqualTo(new EventSubscription.Next.Overflowed(3));
        subscription.close();
        assertThat(unsubscribed).isTrue();
        assertThat(ended).containsExactly(subscription);
    }

    @Test
    void closingWakesAWaitingReader() throws Exception {
        EventSubscription subscription = subscribe(2);
        Thread closer = new Thread(subscription::close);
        closer.start();

        assertThat(subscription.next(Duration.ofSeconds(10))).isInstanceOf(EventSubscription.Next.Ended.class);
        closer.join(10_000);
        assertThat(unsubscribed).isTrue();
    }
}
