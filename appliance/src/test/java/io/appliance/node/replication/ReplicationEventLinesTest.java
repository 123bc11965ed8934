package io.appliance.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.node.api.EventLineStream;
import io.appliance.replication.ReplicationEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The events stream with replication's events2 lines. */
class ReplicationEventLinesTest {

    private final List<Consumer<ReplicationEvent>> listeners = new ArrayList<>();
    private final AtomicBoolean unsubscribed = new AtomicBoolean();
    private final List<EventLineStream<ReplicationEvent>> ended = new ArrayList<>();

    private EventLineStream<ReplicationEvent> subscribe(int capacity) {
        return new EventLineStream<ReplicationEvent>(capacity, ReplicationEvent::render, ended::add).subscribe(listener -> {
            listeners.add(listener);
            return () -> unsubscribed.set(true);
        });
    }

    private void publish(String replication) {
        ReplicationEvent event = new ReplicationEvent(Instant.EPOCH, "peer-device", "r0",
                Map.of("replication", replication));
        listeners.forEach(listener -> listener.accept(event));
    }

    @Test
    void linesArriveInOrderAndIdleWhenNothingHappens() throws Exception {
        EventLineStream<ReplicationEvent> subscription = subscribe(4);
        publish("SyncSource");
        publish("Established");

        assertThat(subscription.next(Duration.ofSeconds(1)))
                .isEqualTo(new EventLineStream.Next.Line("change peer-device name:r0 replication:SyncSource"));
        assertThat(subscription.next(Duration.ofSeconds(1)))
                .isEqualTo(new EventLineStream.Next.Line("change peer-device name:r0 replication:Established"));
        assertThat(subscription.next(Duration.ofMillis(10))).isInstanceOf(EventLineStream.Next.Idle.class);
    }

    @Test
    void aReaderThatFallsBehindIsDroppedWithoutBlockingThePublisher() throws Exception {
        EventLineStream<ReplicationEvent> subscription = subscribe(2);
        publish("SyncSource");
        publish("PausedSyncS");
        publish("SyncSource");
        publish("Established");

        assertThat(subscription.next(Duration.ofSeconds(1))).isEqualTo(new EventLineStream.Next.Overflowed(3));
        subscription.close();
        assertThat(unsubscribed).isTrue();
        assertThat(ended).containsExactly(subscription);
    }

    @Test
    void closingWakesAWaitingReader() throws Exception {
        EventLineStream<ReplicationEvent> subscription = subscribe(2);
        Thread closer = new Thread(subscription::close);
        closer.start();

        assertThat(subscription.next(Duration.ofSeconds(10))).isInstanceOf(EventLineStream.Next.Ended.class);
        closer.join(10_000);
        assertThat(unsubscribed).isTrue();
    }
}
