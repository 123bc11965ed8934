package io.appliance.replication.engine;

import io.appliance.replication.state.SyncDecision;
import io.appliance.replication.wire.Hello;
import io.appliance.replication.wire.Packet;
import io.appliance.replication.wire.Params;
import io.appliance.replication.wire.PeerAuthenticator;
import io.appliance.replication.wire.Sizes;
import io.appliance.replication.wire.State;
import io.appliance.replication.wire.Uuids;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One connection to the peer and what the handshake learned on it. Fields are confined to the
 * resource's state executor; {@link #send} may be called from any thread.
 *
 * <p>Outbound packets go through an outbox: the first packet of a batch schedules one task on the
 * channel's event loop, which writes everything queued by then and flushes once. A burst of
 * writes, acks or resync replies thus costs one event-loop wake-up and one socket write instead
 * of one each (the write path's main cost on a small machine).
 */
final class PeerSession {
    /** Where the connection is in its life. */
    enum Phase { HELLO, AUTH, PARAMS, BITMAP, ESTABLISHED, CLOSED }

    private final Channel channel;
    private final Executor stateExecutor;
    final boolean outbound;
    Phase phase = Phase.HELLO;
    Hello peerHello;
    /** The protocol version both sides speak, agreed from the Hellos (0 before). */
    int protocolVersion;
    PeerAuthenticator authenticator;
    boolean answeredChallenge;
    boolean peerAuthenticated;
    /** Our handshake bundle is on its way (it waits for queued metadata writes) or sent. */
    boolean bundleRequested;
    /** Our handshake bundle is sent: from here on State packets may follow it. */
    boolean bundleSent;
    Params peerParams;
    Sizes peerSizes;
    Uuids peerUuids;
    State peerState;
    SyncDecision decision;
    boolean peerBitmapDone;
    private final Queue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drainOutbox;

    /** A queued packet, with the state-executor callback told whether it reached the socket (or null). */
    private record Outgoing(Packet packet, Consumer<Boolean> written, boolean closeAfter) {}

    PeerSession(Channel channel, boolean outbound, Executor stateExecutor) {
        this.channel = channel;
        this.outbound = outbound;
        this.stateExecutor = stateExecutor;
    }

    Channel channel() {
        return channel;
    }

    String peerName() {
        return peerHello == null ? "?" : peerHello.nodeName();
    }

    /** FIFO, never blocks, thread-safe; after the channel closed the packet is released. */
    void send(Packet packet) {
        enqueue(new Outgoing(packet, null, false));
    }

    /** Sends and reports on the state executor whether the packet reached the socket. */
    void sendWithCompletion(Packet packet, Consumer<Boolean> written) {
        enqueue(new Outgoing(packet, written, false));
    }

    /** Sends a last packet (a refusal) and closes. */
    void sendAndClose(Packet packet) {
        phase = Phase.CLOSED;
        enqueue(new Outgoing(packet, null, true));
    }

    private void enqueue(Outgoing outgoing) {
        outbox.add(outgoing);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drainTask);
            } catch (RejectedExecutionException stopped) {
                drainScheduled.set(false);
                discardOutbox();
            }
        }
    }

    /** On the event loop: writes every queued packet, then one flush. */
    private void drainOutbox() {
        drainScheduled.set(false);
        boolean close = false;
        boolean wrote = false;
        Outgoing outgoing;
        while ((outgoing = outbox.poll()) != null) {
            wrote = true;
            Consumer<Boolean> written = outgoing.written();
            if (written == null) {
                channel.write(outgoing.packet(), channel.voidPromise());
            } else {
                channel.write(outgoing.packet()).addListener((ChannelFutureListener) future ->
                        stateExecutor.execute(() -> written.accept(future.isSuccess())));
            }
            close |= outgoing.closeAfter();
        }
        if (wrote) {
            channel.flush();
        }
        if (close) {
            channel.close();
        }
    }

    /** The event loop is gone: nothing will be written. */
    private void discardOutbox() {
        Outgoing outgoing;
        while ((outgoing = outbox.poll()) != null) {
            ReferenceCountUtil.release(outgoing.packet());
            Consumer<Boolean> written = outgoing.written();
            if (written != null) {
                stateExecutor.execute(() -> written.accept(false));
            }
        }
    }

    void close() {
        phase = Phase.CLOSED;
        channel.close();
    }
}
