package io.appliance.node.replication;

import io.appliance.iscsi.block.BlockDeviceNotReadyException;
import io.appliance.iscsi.scsi.FileReservationStore;
import io.appliance.iscsi.scsi.ReservationStore;
import io.appliance.replication.ReplicatedResource;
import io.appliance.replication.state.Role;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent reservations of a LUN on a replicated disk: kept in this node's file and copied to the peer over
 * the replication link, so that after a failover the new Primary enforces the same registrations and reservation
 * (SPC-4 §5.13; the "reservation state is part of the LUN").
 *
 * <ul>
 *   <li>{@link #save} (a PERSISTENT RESERVE OUT on the Primary): refused with NOT READY where the disk is not
 *       Primary; else the file is replaced durably, then the state is sent to the peer and the command completes
 *       once the peer stored it — as a protocol C write. When the peer is not connected, or the link drops before it
 *       answers, the command completes with the state on this node only (as a write to a disconnected Primary), and
 *       the state goes to the peer when the link is back ({@link #sendToPeer}, called on every connection).</li>
 *   <li>The peer's copies arrive through the channel {@code pr/<lun uuid>} and replace the file here; the logical
 *       unit reloads it before its next command ({@link #replacedElsewhere}). A copy arriving while this node is
 *       Primary is refused (the sender is not the Primary).</li>
 * </ul>
 */
final class ReplicatedReservationStore implements ReservationStore {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedReservationStore.class);
    private static final String CHANNEL_PREFIX = "pr/";

    private final FileReservationStore local;
    private final ReplicatedResource disk;
    private final String channel;
    private final Duration peerLimit;
    private final AtomicBoolean replacedByPeer = new AtomicBoolean();

    /**
     * @param peerLimit the longest a PERSISTENT RESERVE OUT waits for the peer's answer before completing with the
     *                  state on this node only
     */
    ReplicatedReservationStore(FileReservationStore local, ReplicatedResource disk, UUID lun, Duration peerLimit) {
        this.local = Objects.requireNonNull(local, "local");
        this.disk = Objects.requireNonNull(disk, "disk");
        this.channel = CHANNEL_PREFIX + Objects.requireNonNull(lun, "lun");
        this.peerLimit = Objects.requireNonNull(peerLimit, "peerLimit");
        disk.onPeerMessage(channel, this::acceptFromPeer);
    }

    @Override
    public Optional<byte[]> load() throws IOException {
        replacedByPeer.set(false);
        return local.load();
    }

    @Override
    public void save(byte[] state) throws IOException {
        if (disk.status().role() != Role.PRIMARY) {
            throw new BlockDeviceNotReadyException("replicated disk " + disk.name() + " is not Primary on this node;"
                    + " its LUNs' reservations change where it is Primary");
        }
        local.save(state);
        try {
            disk.sendToPeer(channel, state).get(peerLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn("{}: persistent reservations of {} saved on this node only ({}); the peer gets them when it"
                    + " connects", disk.name(), channel, cause == null ? e.toString() : cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the peer stored the persistent reservations", e);
        }
    }

    @Override
    public boolean replacedElsewhere() {
        return replacedByPeer.get();
    }

    /** Sends this node's state to the peer when this node is Primary and has one; never blocks. */
    void sendToPeer() {
        if (disk.status().role() != Role.PRIMARY) {
            return;
        }
        Optional<byte[]> state;
        try {
            state = local.load();
        } catch (IOException e) {
            LOG.error("{}: cannot read the persistent reservations {} to send them to the peer", disk.name(),
                    local.file(), e);
            return;
        }
        state.ifPresent(bytes -> disk.sendToPeer(channel, bytes).whenComplete((done, failure) -> {
            if (failure != null) {
                LOG.warn("{}: persistent reservations of {} not sent to the peer: {}", disk.name(), channel,
                        failure.getMessage());
            }
        }));
    }

    private void acceptFromPeer(byte[] state) throws IOException {
        if (disk.status().role() == Role.PRIMARY) {
            throw new IOException(disk.name() + " is Primary on this node: its reservations are not replaced by a"
                    + " Secondary's");
        }
        local.save(state);
        replacedByPeer.set(true);
    }

    @Override
    public String toString() {
        return "ReplicatedReservationStore[" + local.file() + " <-> peer " + channel + "]";
    }
}
