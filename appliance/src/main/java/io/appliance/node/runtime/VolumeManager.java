package io.appliance.node.runtime;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.VolumeGroup;
import io.appliance.node.model.NodeException;
import java.util.List;
import java.util.Optional;

/**
 * The node's pools (LVM volume groups) and volumes (logical volumes), as the {@link TargetManager}
 * uses them. The production implementation drives the real lvm2 tools ({@code LvmVolumeManager});
 * tests use an in-memory fake.
 *
 * <p>Contract: every method is synchronous and bounded by the implementation's command timeout;
 * writes on one pool are serialised by the implementation; a failed write leaves the pool as it
 * was. Failures are {@link NodeException}s whose message says what the operator should do:
 * {@link NodeException.Unknown} (no such pool or volume), {@link NodeException.Conflict} (a name
 * that exists, a device in use), {@link NodeException.InvalidFields} (naming the request field),
 * {@link NodeException.InsufficientSpace}, {@link NodeException.ToolMissing} and
 * {@link NodeException.ToolFailure}. Sizes are bytes; volume sizes are rounded up to whole extents.
 * Thread safe.
 */
public interface VolumeManager {

    List<VolumeGroup> pools();

    Optional<VolumeGroup> pool(String name);

    /** Makes the devices physical volumes (those that are not yet) and a volume group of them. */
    VolumeGroup createPool(String name, List<String> devices, long extentSizeBytes);

    /** Adds devices to an existing pool (vgextend). */
    VolumeGroup extendPool(String name, List<String> devices);

    /** @throws NodeException.Unknown when the pool does not exist */
    List<LogicalVolume> volumes(String pool);

    Optional<LogicalVolume> volume(String pool, String name);

    LogicalVolume createVolume(String pool, String name, long sizeBytes);

    /** Grows the volume to at least {@code newSizeBytes}; smaller than today is refused. */
    LogicalVolume extendVolume(String pool, String name, long newSizeBytes);

    LogicalVolume renameVolume(String pool, String name, String newName);

    void removeVolume(String pool, String name);

    /**
     * Opens the volume as a block device of {@code blockSize}-byte blocks, in the configured
     * access mode. The caller closes the returned device.
     */
    OpenedVolume open(String pool, String name, int blockSize, boolean readOnly);

    /** An open volume. */
    interface OpenedVolume {

        /** The device the LUN does its I/O on; closing it closes the volume. */
        BlockDevice device();

        /** Re-reads the volume's size and extent map after an extend, without interrupting I/O. */
        void reload();

        /** How the I/O reaches the volume: {@code device-node} or {@code extent-map}. */
        String access();
    }
}
