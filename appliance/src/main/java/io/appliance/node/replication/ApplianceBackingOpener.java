package io.appliance.node.replication;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.block.FileBlockDevice;
import io.appliance.node.model.LunSpec;
import io.appliance.node.model.NodeException;
import io.appliance.node.runtime.VolumeManager;
import io.appliance.replication.BackingOpener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * Opens a resource's backing volume the way LUNs open theirs: an absolute path through
 * {@link FileBlockDevice} on the LUN I/O threads (with direct writes, unlike a LUN file), {@code POOL/LV} through the node's
 * {@link VolumeManager} (device node or extent map, as the {@code lvm} section says). Blocks of
 * {@value LunSpec#BLOCK_SIZE} bytes. A disk the definition left relative was resolved against the
 * state directory when the configuration was read.
 */
final class ApplianceBackingOpener implements BackingOpener {

    private final Executor ioExecutor;
    private final VolumeManager volumes;

    ApplianceBackingOpener(Executor ioExecutor, VolumeManager volumes) {
        this.ioExecutor = ioExecutor;
        this.volumes = volumes;
    }

    @Override
    public BlockDevice open(String disk) throws IOException {
        if (disk.startsWith("/")) {
            Path path = Path.of(disk);
            if (!Files.exists(path)) {
                throw new IOException("disk " + disk + " does not exist; create it, or give the host a size to create it");
            }
            try {
                // DRBD writes to its backing device below any page cache: a write is done (and, under
                // protocol C, acknowledged by the peer) when the disk took it, not when it sits in RAM
                return FileBlockDevice.open(path, LunSpec.BLOCK_SIZE, false, ioExecutor,
                        FileBlockDevice.WriteCaching.DIRECT);
            } catch (IllegalArgumentException e) {
                throw new IOException("cannot use disk " + disk + ": " + e.getMessage(), e);
            }
        }
        int slash = disk.indexOf('/');
        if (slash <= 0) {
            throw new IOException("disk " + disk + " is neither an absolute path nor POOL/LV");
        }
        try {
            return volumes.open(disk.substring(0, slash), disk.substring(slash + 1), LunSpec.BLOCK_SIZE, false).device();
        } catch (NodeException e) {
            throw new IOException("cannot open volume " + disk + ": " + e.getMessage(), e);
        }
    }
}
