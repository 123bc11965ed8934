package io.appliance.node.replication;

import io.appliance.iscsi.block.BlockDevice;
import java.util.Optional;

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

    /** No replicated disks at all (a node without a {@code replication} section, tests). */
    static ReplicatedDisks none() {
        return (resource, sizeWhileUnknown) -> Optional.empty();
    }
}
