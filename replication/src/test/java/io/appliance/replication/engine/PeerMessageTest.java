package io.appliance.replication.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.replication.ReplicatedResource;
import io.appliance.replication.ReplicationException;
import io.appliance.replication.ReplicationException.Reason;
import io.appliance.replication.state.ConnectionState;
import io.appliance.replication.state.DiskState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Application messages (sendToPeer / onPeerMessage) between two nodes on loopback. */
class PeerMessageTest {
    private static final long BACKING = 8L << 20;
    private static final String CHANNEL = "pr/lun:0";

    @TempDir
    Path dir;

    @Test
    void aMessageReachesThePeersHandlerOffTheEventLoopsAndTheFutureCompletes() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.createAndConnect();
            List<byte[]> onNode2 = new CopyOnWriteArrayList<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            nodes.r2.onPeerMessage(CHANNEL, payload -> {
                threads.add(Thread.currentThread().getName());
                onNode2.add(payload);
            });
            List<byte[]> onNode1 = new CopyOnWriteArrayList<>();
            nodes.r1.onPeerMessage(CHANNEL, onNode1::add);

            byte[] registrations = "key=0x1234 holder=iqn.a type=WE_RO".getBytes(StandardCharsets.UTF_8);
            TwoNodes.join(nodes.r1.sendToPeer(CHANNEL, registrations));
            assertThat(onNode2).hasSize(1);
            assertThat(onNode2.get(0)).isEqualTo(registrations);
            assertThat(threads.get(0)).isEqualTo("r0-messages@node2");

            byte[] largest = new byte[ReplicatedResource.MAX_PEER_MESSAGE_BYTES];
            new Random(1).nextBytes(largest);
            TwoNodes.join(nodes.r2.sendToPeer(CHANNEL, largest));
            TwoNodes.join(nodes.r2.sendToPeer(CHANNEL, new byte[0]));
            assertThat(onNode1).hasSize(2);
            assertThat(onNode1.get(0)).isEqualTo(largest);
            assertThat(onNode1.get(1)).isEmpty();
        }
    }

    @Test
    void writesIssuedBeforeTheMessageAreOnThePeersBackingWhenItsHandlerRuns() {
        long backing = 64L << 20;
        int hotBytes = 4096;
        try (TwoNodes nodes = new TwoNodes(dir, backing, TwoNodes.fastOptions().build())) {
            nodes.createAndConnect();
            nodes.r1.newCurrentUuid(true);
            nodes.awaitBoth(s -> s.disk() == DiskState.UP_TO_DATE && s.peerDisk() == DiskState.UP_TO_DATE);
            nodes.r1.primary(false);
            long size = nodes.r1.status().sizeBytes();
            List<byte[]> hotSeenByHandler = new CopyOnWriteArrayList<>();
            List<byte[]> allSeenByHandler = new CopyOnWriteArrayList<>();
            nodes.r2.onPeerMessage(CHANNEL, payload -> {
                hotSeenByHandler.add(nodes.data(2, hotBytes));
                allSeenByHandler.add(nodes.data(2, size));
            });

            // node2 applies replicated writes late: its handler must wait for the ones received before the message
            nodes.node2WriteDelay.set(Duration.ofMillis(20));
            BlockDevice device = nodes.r1.device();
            byte[] expected = new byte[(int) size];
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            Random random = new Random(7);
            // Rewrites of one hot block: each waits for the local completion of the one before it, so when the
            // message is issued most are not on the wire yet; the peer's handler must still see the last one.
            for (int i = 0; i < 40; i++) {
                byte[] content = new byte[hotBytes];
                Arrays.fill(content, (byte) (i + 1));
                System.arraycopy(content, 0, expected, 0, hotBytes);
                writes.add(device.write(0, ByteBuffer.wrap(content), false));
            }
            // spread over every activity-log extent (4 MiB each): most writes wait for an AL transaction first
            for (int i = 0; i < 96; i++) {
                int length = 512 * (1 + random.nextInt(128));
                long offset = hotBytes + (long) random.nextInt((int) ((size - hotBytes - length) / 512)) * 512;
                byte[] content = new byte[length];
                random.nextBytes(content);
                System.arraycopy(content, 0, expected, (int) offset, length);
                writes.add(device.write(offset, ByteBuffer.wrap(content), false));
            }
            CompletableFuture<Void> message = nodes.r1.sendToPeer(CHANNEL, new byte[] {1});
            TwoNodes.join(message);
            TwoNodes.join(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));

            assertThat(hotSeenByHandler).singleElement().satisfies(hot -> assertThat(hot)
                    .as("the last rewrite of the hot block").containsOnly((byte) 40));
            assertThat(Arrays.equals(allSeenByHandler.get(0), expected))
                    .as("node2's backing held every write issued before the message when its handler ran").isTrue();
        }
    }

    @Test
    void messagesRunOneAtATimeInSendingOrder() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.createAndConnect();
            List<Integer> order = new CopyOnWriteArrayList<>();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger mostAtOnce = new AtomicInteger();
            nodes.r2.onPeerMessage(CHANNEL, payload -> {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                Thread.sleep(2);
                order.add((int) payload[0]);
                running.decrementAndGet();
            });
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sent.add(nodes.r1.sendToPeer(i % 2 == 0 ? CHANNEL : "other", new byte[] {(byte) i}));
            }
            nodes.r2.onPeerMessage("other", payload -> order.add((int) payload[0]));
            for (int i = 0; i < 50; i += 2) {
                TwoNodes.join(sent.get(i));
            }
            assertThat(order).isSortedAccordingTo(Integer::compare);
            assertThat(mostAtOnce.get()).isEqualTo(1);
        }
    }

    @Test
    void aThrowingHandlerFailsTheSenderWithItsReasonAndLaterMessagesStillRun() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.createAndConnect();
            nodes.r2.onPeerMessage(CHANNEL, payload -> {
                throw new IOException("fsync of /var/lib/pr/lun0 failed: No space left on device");
            });
            ReplicationException failure = failure(nodes.r1.sendToPeer(CHANNEL, new byte[] {1}));
            assertThat(failure.reason()).isEqualTo(Reason.IO_ERROR);
            assertThat(failure.getMessage()).contains("channel pr/lun:0")
                    .endsWith("fsync of /var/lib/pr/lun0 failed: No space left on device");

            List<byte[]> received = new CopyOnWriteArrayList<>();
            nodes.r2.onPeerMessage(CHANNEL, received::add);
            TwoNodes.join(nodes.r1.sendToPeer(CHANNEL, new byte[] {2}));
            assertThat(received).singleElement().isEqualTo(new byte[] {2});
            assertThat(nodes.r1.status().connection()).isEqualTo(ConnectionState.CONNECTED);
        }
    }

    @Test
    void aChannelWithoutHandlerOnThePeerFails() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.createAndConnect();
            nodes.r2.onPeerMessage(CHANNEL, payload -> { });
            ReplicationException failure = failure(nodes.r1.sendToPeer("pr/lun:9", new byte[] {1}));
            assertThat(failure.reason()).isEqualTo(Reason.IO_ERROR);
            assertThat(failure.getMessage()).endsWith("no handler for channel pr/lun:9");
        }
    }

    @Test
    void withoutAConnectionTheFutureFailsAtOnceAndBadArgumentsThrow() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            ReplicationException beforeUp = failure(nodes.r1.sendToPeer(CHANNEL, new byte[] {1}), Duration.ofSeconds(2));
            assertThat(beforeUp.reason()).isEqualTo(Reason.NOT_CONNECTED);
            assertThat(beforeUp.getMessage()).isEqualTo("r0: not connected");

            nodes.r1.createMetadata(false);
            nodes.r1.up();
            assertThat(nodes.r1.status().connection()).isEqualTo(ConnectionState.CONNECTING);
            ReplicationException connecting = failure(nodes.r1.sendToPeer(CHANNEL, new byte[] {1}), Duration.ofSeconds(2));
            assertThat(connecting.reason()).isEqualTo(Reason.NOT_CONNECTED);
            assertThat(connecting.getMessage()).isEqualTo("r0: not connected");

            assertThatThrownBy(() -> nodes.r1.sendToPeer("bad channel", new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> nodes.r1.sendToPeer("", new byte[0])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> nodes.r1.sendToPeer(CHANNEL,
                    new byte[ReplicatedResource.MAX_PEER_MESSAGE_BYTES + 1])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> nodes.r1.onPeerMessage("x".repeat(65), payload -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closingTheResourceFailsPendingMessagesAndLaterOnesAtOnce() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.createAndConnect();
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            nodes.r2.onPeerMessage(CHANNEL, blockingHandler(entered, release));
            try {
                CompletableFuture<Void> pending = nodes.r1.sendToPeer(CHANNEL, new byte[] {1});
                assertThat(entered.await(15, TimeUnit.SECONDS)).isTrue();
                nodes.killNode1();
                ReplicationException closed = failure(pending, Duration.ofSeconds(2));
                assertThat(closed.reason()).isEqualTo(Reason.NOT_CONNECTED);
                assertThat(closed.getMessage()).isEqualTo(
                        "r0: resource closed before the peer answered the message on channel pr/lun:0");
                ReplicationException later = failure(nodes.r1.sendToPeer(CHANNEL, new byte[] {2}), Duration.ofSeconds(2));
                assertThat(later.getMessage()).isEqualTo("r0: not connected");
            } finally {
                release.countDown();
            }
            // node1's engine is closed already: ReplicationNode.close would wait for verbs it can no longer run
            nodes.node1 = null;
        }
    }

    @Test
    void aDisconnectWhileThePeersHandlerBlocksFailsTheSender() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.createAndConnect();
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            nodes.r2.onPeerMessage(CHANNEL, blockingHandler(entered, release));
            try {
                CompletableFuture<Void> sent = nodes.r1.sendToPeer(CHANNEL, new byte[] {1});
                assertThat(entered.await(15, TimeUnit.SECONDS)).isTrue();
                assertThat(sent).isNotDone();
                nodes.r2.disconnect();
                ReplicationException failure = failure(sent);
                assertThat(failure.reason()).isEqualTo(Reason.NOT_CONNECTED);
                assertThat(failure.getMessage()).contains("connection to node2 lost before it answered");
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void noAnswerWithinTenTimesTheTimeoutFailsTheSenderButKeepsTheConnection() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().timeout(timeout).build())) {
            nodes.createAndConnect();
            CountDownLatch release = new CountDownLatch(1);
            List<byte[]> received = new CopyOnWriteArrayList<>();
            nodes.r2.onPeerMessage(CHANNEL, payload -> {
                if (payload[0] == 1 && !release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test never released the handler");
                }
                received.add(payload);
            });
            try {
                long started = System.nanoTime();
                ReplicationException failure = failure(nodes.r1.sendToPeer(CHANNEL, new byte[] {1}));
                long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertThat(failure.reason()).isEqualTo(Reason.TIMEOUT);
                assertThat(failure.getMessage()).contains("did not answer the message on channel pr/lun:0 within 3000 ms");
                assertThat(waitedMillis).isBetween(2900L, 10_000L);
            } finally {
                release.countDown();
            }
            TwoNodes.join(nodes.r1.sendToPeer(CHANNEL, new byte[] {2}));
            assertThat(received).hasSize(2);
            assertThat(nodes.r1.status().connection()).isEqualTo(ConnectionState.CONNECTED);
        }
    }

    private static ReplicationException failure(CompletableFuture<?> future) throws Exception {
        return failure(future, TwoNodes.WAIT);
    }

    /** The ReplicationException the future fails with within {@code bound}. */
    private static ReplicationException failure(CompletableFuture<?> future, Duration bound) throws Exception {
        try {
            future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ReplicationException.class);
            return (ReplicationException) e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not fail within " + bound, e);
        }
        throw new AssertionError("the future completed normally");
    }

    /** A handler that says it was entered, then blocks until the test releases it (at most 30 s). */
    private static io.appliance.replication.PeerMessageHandler blockingHandler(CountDownLatch entered,
            CountDownLatch release) {
        return payload -> {
            entered.countDown();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test never released the handler");
            }
        };
    }
}
