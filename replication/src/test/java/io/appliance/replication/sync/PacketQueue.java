package io.appliance.replication.sync;

import io.appliance.replication.wire.Packet;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One direction of a test link: holds what is sent until the test delivers it (in order, reversed)
 * or drops it (releasing reference-counted packets, as the engine's sender does after a link loss).
 */
final class PacketQueue implements PeerSender {

    private final List<Packet> queued = new ArrayList<>();
    private boolean down;

    @Override
    public synchronized void send(Packet packet) {
        if (down) {
            ReferenceCountUtil.release(packet);
            return;
        }
        queued.add(packet);
    }

    synchronized int size() {
        return queued.size();
    }

    synchronized List<Packet> peek() {
        return List.copyOf(queued);
    }

    /** Delivers everything queued now, in order; what the receiver sends meanwhile waits. */
    int deliverTo(Consumer<Packet> receiver) {
        List<Packet> batch = take();
        batch.forEach(receiver);
        return batch.size();
    }

    int deliverReversedTo(Consumer<Packet> receiver) {
        List<Packet> batch = take();
        for (int i = batch.size() - 1; i >= 0; i--) {
            receiver.accept(batch.get(i));
        }
        return batch.size();
    }

    /** The link drops: queued packets are lost and later sends are dropped. */
    synchronized void linkDown() {
        down = true;
        queued.forEach(ReferenceCountUtil::release);
        queued.clear();
    }

    private synchronized List<Packet> take() {
        List<Packet> batch = new ArrayList<>(queued);
        queued.clear();
        return batch;
    }
}
