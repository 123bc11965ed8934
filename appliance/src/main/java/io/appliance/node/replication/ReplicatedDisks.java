package io.appliance.node.replication;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.scsi.FileReservationStore;
import io.appliance.iscsi.scsi.ReservationStore;
import java.util.Optional;
import java.util.UUID;

/**
 * The replicated disks a LUN can be served on, as the {@code TargetManager} sees them.
 *
 * <p>Contract: {@link #borrow} never blocks on the network and may be called before the resource
 * is up; the returned device is the resource's replicated device (I/O fails with
 * {@code BlockDeviceNotReadyException} while the resource is not Primary here) and its
 * {@code close()} does NOT close the resource: the resource lives until the node stops. Thread safe.
 */
public interface ReplicatedDisks {

    /**
     * The device of {@code resource}, borrowed; empty when this node has no such resource.
     *
     * @param sizeWhileUnknown the size to report while the resource does not know its own (not
     *                         attached, e.g. not up yet); 0 when the caller has none
     */
    Optional<BlockDevice> borrow(String resource, long sizeWhileUnknown);

    /**
     * Where the persistent reservations of LUN {@code lun} on {@code resource} live: {@code local} on this node and,
     * for a replicated disk, a copy on the peer (see {@code ReplicatedReservationStore}). This default, for nodes
     * without replication: {@code local} alone.
     */
    default ReservationStore reservationStore(String resource, UUID lun, FileReservationStore local) {
        return local;
    }

    /** No replicated disks at all (a node without a {@code replication} section, tests). */
    static ReplicatedDisks none() {
        return (resource, sizeWhileUnknown) -> Optional.empty();
    }
}
