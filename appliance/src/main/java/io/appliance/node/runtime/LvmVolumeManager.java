package io.appliance.node.runtime;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.Lvm;
import io.appliance.lvm.LvmException;
import io.appliance.lvm.VolumeGroup;
import io.appliance.lvm.device.LogicalVolumeDevice;
import io.appliance.lvm.device.VolumeAccess;
import io.appliance.node.model.NodeException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * {@link VolumeManager} over the node's lvm2 facade ({@link Lvm}, which serialises the writes on
 * each volume group). The one place where an {@link LvmException} becomes a {@link NodeException}.
 */
public final class LvmVolumeManager implements VolumeManager {

    private final Lvm lvm;
    private final VolumeAccess access;
    private final Executor ioExecutor;

    /**
     * @param access     how volumes are opened (never changed while the node runs)
     * @param ioExecutor runs the volumes' I/O
     */
    public LvmVolumeManager(Lvm lvm, VolumeAccess access, Executor ioExecutor) {
        this.lvm = lvm;
        this.access = access;
        this.ioExecutor = ioExecutor;
    }

    @Override
    public List<VolumeGroup> pools() {
        return call("", lvm::pools);
    }

    @Override
    public Optional<VolumeGroup> pool(String name) {
        return call("name", () -> lvm.pool(name));
    }

    @Override
    public VolumeGroup createPool(String name, List<String> devices, long extentSizeBytes) {
        return call("devices", () -> lvm.createPool(name, devices, extentSizeBytes));
    }

    @Override
    public VolumeGroup extendPool(String name, List<String> devices) {
        return call("addDevices", () -> lvm.extendPool(name, devices));
    }

    @Override
    public List<LogicalVolume> volumes(String pool) {
        return call("pool", () -> lvm.volumes(pool));
    }

    @Override
    public Optional<LogicalVolume> volume(String pool, String name) {
        return call("name", () -> lvm.volume(pool, name));
    }

    @Override
    public LogicalVolume createVolume(String pool, String name, long sizeBytes) {
        return call("size", () -> lvm.createVolume(pool, name, sizeBytes));
    }

    @Override
    public LogicalVolume extendVolume(String pool, String name, long newSizeBytes) {
        return call("size", () -> lvm.extendVolume(pool, name, newSizeBytes));
    }

    @Override
    public LogicalVolume renameVolume(String pool, String name, String newName) {
        return call("name", () -> lvm.renameVolume(pool, name, newName));
    }

    @Override
    public void removeVolume(String pool, String name) {
        call("name", () -> {
            lvm.removeVolume(pool, name);
            return null;
        });
    }

    @Override
    public OpenedVolume open(String pool, String name, int blockSize, boolean readOnly) {
        LogicalVolumeDevice device = call("volume", () -> {
            try {
                return LogicalVolumeDevice.open(lvm, pool, name, access, blockSize, readOnly, ioExecutor);
            } catch (IOException e) {
                throw new NodeException.StorageFailure("cannot open volume " + pool + "/" + name + ": " + e.getMessage(), e);
            }
        });
        return new OpenedVolume() {
            @Override
            public BlockDevice device() {
                return device;
            }

            @Override
            public void reload() {
                call("size", () -> {
                    try {
                        device.reload();
                    } catch (IOException e) {
                        throw new NodeException.StorageFailure("volume " + pool + "/" + name
                                + " was extended but the LUN could not see it: " + e.getMessage()
                                + "; restart the node to serve the new size", e);
                    }
                    return null;
                });
            }

            @Override
            public String access() {
                return accessName(device.access());
            }
        };
    }

    /** {@code device-node} or {@code extent-map}, as in the configuration. */
    static String accessName(VolumeAccess access) {
        return access.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** An lvm2 operation. */
    private interface LvmCall<T> {
        T run() throws LvmException;
    }

    /**
     * Runs {@code operation}, turning its {@link LvmException} into the {@link NodeException} of its
     * reason; {@code field} is the request field an INVALID_ARGUMENT is about.
     */
    private static <T> T call(String field, LvmCall<T> operation) {
        try {
            return operation.run();
        } catch (LvmException e) {
            throw translate(field, e);
        }
    }

    static NodeException translate(String field, LvmException e) {
        String message = e.getMessage();
        return switch (e.reason()) {
            case NOT_FOUND -> new NodeException.Unknown(message);
            case ALREADY_EXISTS, DEVICE_IN_USE -> new NodeException.Conflict(message);
            case INSUFFICIENT_SPACE -> new NodeException.InsufficientSpace(field.isEmpty() ? message : "field '" + field + "': " + message);
            case INVALID_ARGUMENT -> field.isEmpty()
                    ? new NodeException.ToolFailure(message, e) : new NodeException.InvalidFields(field, message);
            case TOOL_MISSING -> new NodeException.ToolMissing(message, e);
            case TOOL_FAILED, TIMEOUT -> new NodeException.ToolFailure(message, e);
        };
    }
}
