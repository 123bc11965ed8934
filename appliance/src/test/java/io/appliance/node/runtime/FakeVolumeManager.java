package io.appliance.node.runtime;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.block.FileBlockDevice;
import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.Segment;
import io.appliance.lvm.VolumeGroup;
import io.appliance.node.model.NodeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * An in-memory {@link VolumeManager} for tests: pools of a fixed size on one fake device, volumes
 * in whole extents, each opened as a sparse file under {@code directory} (so I/O and growth are
 * real). Failures follow the {@link VolumeManager} contract; {@link #failNextOpen} injects one.
 */
public final class FakeVolumeManager implements VolumeManager {

    public static final long EXTENT = 4L << 20;

    private final Path directory;
    private final Executor ioExecutor;
    private final Map<String, FakePool> pools = new TreeMap<>();
    private final List<String> commands = new ArrayList<>();
    private RuntimeException nextOpenFailure;

    public FakeVolumeManager(Path directory, Executor ioExecutor) {
        this.directory = directory;
        this.ioExecutor = ioExecutor;
    }

    private static final class FakePool {
        final long extents;
        final List<String> devices;
        final Map<String, Long> volumeExtents = new LinkedHashMap<>();

        FakePool(long extents, List<String> devices) {
            this.extents = extents;
            this.devices = new ArrayList<>(devices);
        }

        long freeExtents() {
            return extents - volumeExtents.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Adds a pool of {@code sizeBytes} on {@code device}, as if an admin made it by hand. */
    public synchronized void addPool(String name, String device, long sizeBytes) {
        pools.put(name, new FakePool(sizeBytes / EXTENT, List.of(device)));
    }

    /** The next {@link #open} throws {@code failure}. */
    public synchronized void failNextOpen(RuntimeException failure) {
        nextOpenFailure = failure;
    }

    /** The writes done so far, as {@code lvcreate vg/lv}, {@code lvremove vg/lv}, ... */
    public synchronized List<String> commands() {
        return List.copyOf(commands);
    }

    /** Removes a volume behind the node's back (as an admin's lvremove would). */
    public synchronized void removeByHand(String pool, String name) {
        requirePool(pool).volumeExtents.remove(name);
    }

    @Override
    public synchronized List<VolumeGroup> pools() {
        return pools.keySet().stream().map(this::group).toList();
    }

    @Override
    public synchronized Optional<VolumeGroup> pool(String name) {
        return pools.containsKey(name) ? Optional.of(group(name)) : Optional.empty();
    }

    @Override
    public synchronized VolumeGroup createPool(String name, List<String> devices, long extentSizeBytes) {
        for (FakePool pool : pools.values()) {
            for (String device : devices) {
                if (pool.devices.contains(device)) {
                    throw new NodeException.Conflict("device " + device + " already belongs to a volume group");
                }
            }
        }
        pools.put(name, new FakePool(devices.size() * 25L, devices));
        commands.add("vgcreate " + name);
        return group(name);
    }

    @Override
    public synchronized VolumeGroup extendPool(String name, List<String> devices) {
        FakePool old = requirePool(name);
        FakePool extended = new FakePool(old.extents + devices.size() * 25L, old.devices);
        extended.devices.addAll(devices);
        extended.volumeExtents.putAll(old.volumeExtents);
        pools.put(name, extended);
        commands.add("vgextend " + name);
        return group(name);
    }

    @Override
    public synchronized List<LogicalVolume> volumes(String pool) {
        FakePool fake = requirePool(pool);
        return fake.volumeExtents.keySet().stream().map(name -> volume(pool, fake, name)).toList();
    }

    @Override
    public synchronized Optional<LogicalVolume> volume(String pool, String name) {
        FakePool fake = requirePool(pool);
        return fake.volumeExtents.containsKey(name) ? Optional.of(volume(pool, fake, name)) : Optional.empty();
    }

    @Override
    public synchronized LogicalVolume createVolume(String pool, String name, long sizeBytes) {
        FakePool fake = requirePool(pool);
        if (fake.volumeExtents.containsKey(name)) {
            throw new NodeException.Conflict("volume " + pool + "/" + name + " already exists");
        }
        long extents = extentsFor(sizeBytes);
        if (extents > fake.freeExtents()) {
            throw new NodeException.InsufficientSpace("pool " + pool + " has " + fake.freeExtents() * EXTENT + " bytes free");
        }
        fake.volumeExtents.put(name, extents);
        commands.add("lvcreate " + pool + "/" + name);
        return volume(pool, fake, name);
    }

    @Override
    public synchronized LogicalVolume extendVolume(String pool, String name, long newSizeBytes) {
        FakePool fake = requirePool(pool);
        long current = requireVolume(fake, pool, name);
        long extents = extentsFor(newSizeBytes);
        if (extents < current) {
            throw new NodeException.InvalidFields("size", "smaller than the volume");
        }
        if (extents - current > fake.freeExtents()) {
            throw new NodeException.InsufficientSpace("pool " + pool + " has " + fake.freeExtents() * EXTENT + " bytes free");
        }
        fake.volumeExtents.put(name, extents);
        commands.add("lvextend " + pool + "/" + name);
        return volume(pool, fake, name);
    }

    @Override
    public synchronized LogicalVolume renameVolume(String pool, String name, String newName) {
        FakePool fake = requirePool(pool);
        long extents = requireVolume(fake, pool, name);
        if (fake.volumeExtents.containsKey(newName)) {
            throw new NodeException.Conflict("volume " + pool + "/" + newName + " already exists");
        }
        fake.volumeExtents.remove(name);
        fake.volumeExtents.put(newName, extents);
        commands.add("lvrename " + pool + "/" + name + " " + newName);
        return volume(pool, fake, newName);
    }

    @Override
    public synchronized void removeVolume(String pool, String name) {
        FakePool fake = requirePool(pool);
        requireVolume(fake, pool, name);
        fake.volumeExtents.remove(name);
        commands.add("lvremove " + pool + "/" + name);
    }

    @Override
    public synchronized OpenedVolume open(String pool, String name, int blockSize, boolean readOnly) {
        if (nextOpenFailure != null) {
            RuntimeException failure = nextOpenFailure;
            nextOpenFailure = null;
            throw failure;
        }
        FakePool fake = requirePool(pool);
        long size = requireVolume(fake, pool, name) * EXTENT;
        Path file = directory.resolve(pool).resolve(name);
        FileBlockDevice device;
        try {
            Files.createDirectories(file.getParent());
            device = Files.exists(file)
                    ? FileBlockDevice.open(file, blockSize, readOnly, ioExecutor)
                    : FileBlockDevice.create(file, size, blockSize, ioExecutor);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new OpenedVolume() {
            @Override
            public BlockDevice device() {
                return device;
            }

            @Override
            public void reload() {
                long now = volume(pool, name).orElseThrow().sizeBytes();
                try {
                    device.grow(now);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public String access() {
                return "extent-map";
            }
        };
    }

    private static long extentsFor(long sizeBytes) {
        return (sizeBytes + EXTENT - 1) / EXTENT;
    }

    private FakePool requirePool(String pool) {
        FakePool fake = pools.get(pool);
        if (fake == null) {
            throw new NodeException.Unknown("volume group " + pool + " not found");
        }
        return fake;
    }

    private static long requireVolume(FakePool fake, String pool, String name) {
        Long extents = fake.volumeExtents.get(name);
        if (extents == null) {
            throw new NodeException.Unknown("volume " + pool + "/" + name + " not found");
        }
        return extents;
    }

    private VolumeGroup group(String name) {
        FakePool fake = pools.get(name);
        return new VolumeGroup(name, EXTENT, fake.extents * EXTENT, fake.freeExtents() * EXTENT, fake.volumeExtents.size(),
                fake.devices);
    }

    private static LogicalVolume volume(String pool, FakePool fake, String name) {
        long start = 0;
        for (var entry : fake.volumeExtents.entrySet()) {
            if (entry.getKey().equals(name)) {
                return new LogicalVolume(pool, name, entry.getValue() * EXTENT,
                        List.of(new Segment(0, entry.getValue(), fake.devices.get(0), start)), false, "");
            }
            start += entry.getValue();
        }
        throw new IllegalStateException("no volume " + name);
    }
}
