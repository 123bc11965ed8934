package io.appliance.replication.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.replication.wire.Packet;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listening side of a PeerLink with plain sockets as the peer: every channel reported up is reported down. */
class PeerLinkTest {
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Recorder recorder = new Recorder();
    private final InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
    private final PeerLink link = new PeerLink(new PeerLink.Settings("r0", false, address,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), 1 << 20, Duration.ofSeconds(1),
            Duration.ofSeconds(30), Duration.ofSeconds(10)), loops, recorder);

    @AfterEach
    void stop() throws InterruptedException {
        link.stop();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void aChannelClosedByStopIsStillReportedDown() throws IOException {
        link.start();
        try (Socket peer = connectWhenListening()) {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> recorder.ups.size() == 1);
            link.stop();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> recorder.downs.size() == 1);
            assertThat(recorder.downs).containsExactlyElementsOf(recorder.ups);
        }
    }

    /**
     * A peer that drops its connection and reconnects at once: the new channel can arrive on another
     * event loop while the old one is closed but its channelInactive has not run yet.
     */
    @Test
    void aPeerReconnectingAtOnceNeverLeavesAChannelWithoutItsLinkDown() throws IOException {
        link.start();
        Socket previous = connectWhenListening();
        for (int cycle = 0; cycle < 200; cycle++) {
            int upsBefore = recorder.ups.size();
            previous.close();
            previous = new Socket(address.getAddress(), address.getPort());
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (recorder.ups.size() == upsBefore && !closedByTheLink(previous) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
        previous.close();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> recorder.downs.size() == recorder.ups.size());
        assertThat(recorder.ups).as("most reconnects admitted").hasSizeGreaterThan(100);
        assertThat(recorder.downs).containsExactlyInAnyOrderElementsOf(recorder.ups);
        assertThat(recorder.overlaps).as("linkUp while the previous channel was not yet reported down").isEmpty();
    }

    /** A refused connection is closed at once; an admitted one stays silent (pings come only after 30 s). */
    private static boolean closedByTheLink(Socket socket) throws IOException {
        socket.setSoTimeout(1);
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException silent) {
            return false;
        }
    }

    private Socket connectWhenListening() {
        return Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> new Socket(address.getAddress(), address.getPort()), socket -> true);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final class Recorder implements PeerLink.Listener {
        final List<Channel> ups = new CopyOnWriteArrayList<>();
        final List<Channel> downs = new CopyOnWriteArrayList<>();
        final List<Channel> overlaps = new CopyOnWriteArrayList<>();
        private final Map<Channel, Boolean> open = new ConcurrentHashMap<>();

        @Override
        public synchronized void linkUp(Channel channel, boolean outbound) {
            if (!open.isEmpty()) {
                overlaps.add(channel);
            }
            open.put(channel, true);
            ups.add(channel);
        }

        @Override
        public void received(Channel channel, Packet packet) {
            ReferenceCountUtil.release(packet);
        }

        @Override
        public synchronized void linkDown(Channel channel) {
            open.remove(channel);
            downs.add(channel);
        }

        @Override
        public void writabilityChanged(Channel channel) {
        }

        @Override
        public void problem(String message) {
        }
    }
}
