package io.appliance.lvm;

import io.appliance.lvm.LvmException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's lvm2 facade: pools are volume groups, volumes are logical volumes, and every change
 * goes through the real lvm2 tools, so admins see it with {@code pvs}, {@code vgs}, {@code lvs}
 * and LVs they made by hand are listed and usable.
 *
 * <p>Contract:
 * <ul>
 *   <li>Sizes are bytes. A volume's size is rounded <em>up</em> to whole extents of its pool
 *       (4 MiB unless the pool was made otherwise); the returned {@link LogicalVolume} carries
 *       the size actually allocated.
 *   <li>Names are checked against lvm2's rules before anything runs
 *       ({@link Reason#INVALID_ARGUMENT}); every failure is an {@link LvmException} whose reason
 *       says what went wrong and whose message says what to do.
 *   <li>Writes on one pool are serialised: this node never runs two lvm2 writes on a VG at once.
 *       Pool creation and extension are also serialised with each other, so two pools can never
 *       claim the same device. Reads run concurrently (lvm2 takes its own read locks).
 *   <li>A failed pool change leaves nothing behind: devices this call turned into PVs are turned
 *       back when {@code vgcreate}/{@code vgextend} fails.
 *   <li>Every call blocks for at most a few lvm2 commands, each bounded by the command timeout
 *       ({@link Reason#TIMEOUT}); do not call from an event loop. Thread safe.
 * </ul>
 */
public final class Lvm {

    private static final Logger LOG = LoggerFactory.getLogger(Lvm.class);

    /** lvm2 extent sizes are powers of two; below 1 KiB or above 16 GiB lvm2 refuses them. */
    private static final long MIN_EXTENT_SIZE = 1024;
    private static final long MAX_EXTENT_SIZE = 16L * 1024 * 1024 * 1024;

    private final CommandRunner runner;
    private final Duration commandTimeout;
    private final LocalDevices devices;
    private final Map<String, ReentrantLock> poolLocks = new ConcurrentHashMap<>();
    private final ReentrantLock deviceClaimLock = new ReentrantLock();
    private volatile Lvm2Commands commands;

    public Lvm(CommandRunner runner, Duration commandTimeout) {
        this(runner, commandTimeout, new SystemDevices(Path.of("/proc/mounts"), Path.of("/proc/swaps")));
    }

    Lvm(CommandRunner runner, Duration commandTimeout, LocalDevices devices) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
        this.devices = Objects.requireNonNull(devices, "devices");
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("command timeout must be positive: " + commandTimeout);
        }
    }

    /**
     * Whether this kernel has device-mapper, so LVs can be activated and opened through their
     * device node. Probed once with {@code dmsetup version} (exit status 0 only when the library
     * can talk to the kernel driver); a missing {@code dmsetup} counts as no device-mapper.
     */
    public boolean deviceMapperAvailable() {
        return commands().deviceMapperAvailable();
    }

    /** Every physical volume the node sees, in a pool or not. */
    public List<PhysicalVolume> physicalVolumes() throws LvmException {
        return Pvs.list(commands());
    }

    /** Every pool (volume group) on the node, including those made by hand. */
    public List<VolumeGroup> pools() throws LvmException {
        return Vgs.list(commands());
    }

    public Optional<VolumeGroup> pool(String name) throws LvmException {
        LvmNames.checkPoolName(name);
        return Vgs.find(commands(), name);
    }

    /**
     * Makes a pool of the devices: {@code pvcreate} on those that are not PVs yet, then
     * {@code vgcreate}. A device that is mounted, swap, holds a signature, or is already a PV of
     * a pool is refused ({@link Reason#DEVICE_IN_USE}); free PVs are taken as they are.
     *
     * @param extentSizeBytes 0 for lvm2's default (4 MiB); otherwise a power of two
     */
    public VolumeGroup createPool(String name, List<String> devices, long extentSizeBytes) throws LvmException {
        LvmNames.checkPoolName(name);
        List<String> wanted = checkDeviceList(devices);
        if (extentSizeBytes != 0 && (extentSizeBytes < MIN_EXTENT_SIZE || extentSizeBytes > MAX_EXTENT_SIZE
                || Long.bitCount(extentSizeBytes) != 1)) {
            throw new LvmException(Reason.INVALID_ARGUMENT, "extent size " + extentSizeBytes + " bytes is not a power of"
                    + " two between 1 KiB and 16 GiB: give 0 for lvm2's default of 4 MiB");
        }
        Lvm2Commands lvm2 = commands();
        deviceClaimLock.lock();
        try {
            return underPoolLock(name, () -> {
                if (Vgs.find(lvm2, name).isPresent()) {
                    throw new LvmException(Reason.ALREADY_EXISTS, "pool " + name + " already exists: add devices to"
                            + " it with `bin/appliance pool extend " + name + " DEVICE...`, or pick another name");
                }
                List<String> created = makePhysicalVolumes(lvm2, wanted, name);
                try {
                    VgCreate.run(lvm2, name, extentSizeBytes, wanted);
                } catch (LvmException e) {
                    undoPhysicalVolumes(lvm2, created, e);
                    throw e;
                }
                return Vgs.find(lvm2, name).orElseThrow(() -> vanished("pool " + name, "vgcreate"));
            });
        } finally {
            deviceClaimLock.unlock();
        }
    }

    /** Adds the devices to the pool: {@code pvcreate} where needed, then {@code vgextend}. Same device rules. */
    public VolumeGroup extendPool(String name, List<String> devices) throws LvmException {
        LvmNames.checkPoolName(name);
        List<String> wanted = checkDeviceList(devices);
        Lvm2Commands lvm2 = commands();
        deviceClaimLock.lock();
        try {
            return underPoolLock(name, () -> {
                existingPool(lvm2, name);
                List<String> created = makePhysicalVolumes(lvm2, wanted, name);
                try {
                    VgExtend.run(lvm2, name, wanted);
                } catch (LvmException e) {
                    undoPhysicalVolumes(lvm2, created, e);
                    throw e;
                }
                return Vgs.find(lvm2, name).orElseThrow(() -> vanished("pool " + name, "vgextend"));
            });
        } finally {
            deviceClaimLock.unlock();
        }
    }

    /** The pool's volumes, hand-made ones included; {@link Reason#NOT_FOUND} when the pool does not exist. */
    public List<LogicalVolume> volumes(String pool) throws LvmException {
        LvmNames.checkPoolName(pool);
        return Lvs.list(commands(), pool);
    }

    /** The volume, or empty; {@link Reason#NOT_FOUND} when the pool does not exist. */
    public Optional<LogicalVolume> volume(String pool, String name) throws LvmException {
        LvmNames.checkPoolName(pool);
        LvmNames.checkVolumeName(name);
        return Lvs.find(commands(), pool, name);
    }

    /**
     * Carves a volume of {@code sizeBytes} rounded up to whole extents. Without device-mapper it
     * is created inactive and not zeroed ({@code lvcreate --driverloaded n -an -Zn}): its
     * extents hold whatever the PVs held before.
     */
    public LogicalVolume createVolume(String pool, String name, long sizeBytes) throws LvmException {
        LvmNames.checkPoolName(pool);
        LvmNames.checkVolumeName(name);
        checkSize(sizeBytes);
        Lvm2Commands lvm2 = commands();
        return underPoolLock(pool, () -> {
            VolumeGroup group = existingPool(lvm2, pool);
            long extents = extentsFor(sizeBytes, group.extentSizeBytes());
            checkFreeSpace(group, extents, sizeBytes);
            LvCreate.run(lvm2, pool, name, extents);
            return Lvs.find(lvm2, pool, name).orElseThrow(() -> vanished("volume " + pool + "/" + name, "lvcreate"));
        });
    }

    /**
     * Grows the volume to {@code newSizeBytes} rounded up to whole extents; asking for its current
     * size is a no-op; asking for less is {@link Reason#INVALID_ARGUMENT} (volumes never shrink
     * here: a LUN's initiators would lose data).
     */
    public LogicalVolume extendVolume(String pool, String name, long newSizeBytes) throws LvmException {
        LvmNames.checkPoolName(pool);
        LvmNames.checkVolumeName(name);
        checkSize(newSizeBytes);
        Lvm2Commands lvm2 = commands();
        return underPoolLock(pool, () -> {
            VolumeGroup group = existingPool(lvm2, pool);
            LogicalVolume current = Lvs.find(lvm2, pool, name)
                    .orElseThrow(() -> new LvmException(Reason.NOT_FOUND, "volume " + name + " does not exist in pool "
                            + pool + ": see `bin/appliance volume list " + pool + "` (or `lvs " + pool + "`)"));
            long extentSize = group.extentSizeBytes();
            long currentExtents = current.sizeBytes() / extentSize;
            long extents = extentsFor(newSizeBytes, extentSize);
            if (extents < currentExtents) {
                throw new LvmException(Reason.INVALID_ARGUMENT, "volume " + current.fullName() + " is "
                        + ByteCounts.describe(current.sizeBytes()) + "; " + ByteCounts.describe(newSizeBytes)
                        + " asked: volumes can only grow, give a size of at least the current one");
            }
            if (extents == currentExtents) {
                return current;
            }
            checkFreeSpace(group, extents - currentExtents, newSizeBytes - current.sizeBytes());
            LvExtend.run(lvm2, pool, name, extents);
            return Lvs.find(lvm2, pool, name).orElseThrow(() -> vanished("volume " + pool + "/" + name, "lvextend"));
        });
    }

    public LogicalVolume renameVolume(String pool, String name, String newName) throws LvmException {
        LvmNames.checkPoolName(pool);
        LvmNames.checkVolumeName(name);
        LvmNames.checkVolumeName(newName);
        if (name.equals(newName)) {
            throw new LvmException(Reason.INVALID_ARGUMENT, "volume " + pool + "/" + name + " already has that name");
        }
        Lvm2Commands lvm2 = commands();
        return underPoolLock(pool, () -> {
            LvRename.run(lvm2, pool, name, newName);
            return Lvs.find(lvm2, pool, newName).orElseThrow(() -> vanished("volume " + pool + "/" + newName, "lvrename"));
        });
    }

    /** Removes the volume; its data is gone. An open volume is refused by lvm2 ({@link Reason#DEVICE_IN_USE}). */
    public void removeVolume(String pool, String name) throws LvmException {
        LvmNames.checkPoolName(pool);
        LvmNames.checkVolumeName(name);
        Lvm2Commands lvm2 = commands();
        underPoolLock(pool, () -> {
            LvRemove.run(lvm2, pool, name);
            return null;
        });
    }

    /** Whole extents holding {@code sizeBytes}, rounded up. */
    static long extentsFor(long sizeBytes, long extentSizeBytes) {
        return sizeBytes / extentSizeBytes + (sizeBytes % extentSizeBytes == 0 ? 0 : 1);
    }

    private Lvm2Commands commands() {
        Lvm2Commands current = commands;
        if (current == null) {
            synchronized (this) {
                current = commands;
                if (current == null) {
                    current = new Lvm2Commands(runner, commandTimeout, probeDeviceMapper());
                    commands = current;
                }
            }
        }
        return current;
    }

    private boolean probeDeviceMapper() {
        try {
            CommandResult result = runner.run(List.of("dmsetup", "version"), commandTimeout);
            boolean available = result.succeeded();
            LOG.info("device-mapper {}: lvm2 commands run {}", available ? "available" : "not available",
                    available ? "normally" : "with --driverloaded n (metadata only, no activation)");
            return available;
        } catch (LvmException e) {
            LOG.warn("cannot probe device-mapper ({}); assuming it is not available", e.getMessage());
            return false;
        }
    }

    private interface PoolWrite<T> {
        T run() throws LvmException;
    }

    private <T> T underPoolLock(String pool, PoolWrite<T> write) throws LvmException {
        ReentrantLock lock = poolLocks.computeIfAbsent(pool, key -> new ReentrantLock());
        lock.lock();
        try {
            return write.run();
        } finally {
            lock.unlock();
        }
    }

    private static VolumeGroup existingPool(Lvm2Commands lvm2, String pool) throws LvmException {
        return Vgs.find(lvm2, pool).orElseThrow(() -> new LvmException(Reason.NOT_FOUND, "pool " + pool
                + " does not exist: see `bin/appliance pool list` (or `vgs`), or create it with"
                + " `bin/appliance pool create " + pool + " DEVICE...`"));
    }

    private static List<String> checkDeviceList(List<String> devices) throws LvmException {
        if (devices == null || devices.isEmpty()) {
            throw new LvmException(Reason.INVALID_ARGUMENT, "at least one device is required");
        }
        Set<String> seen = new HashSet<>();
        for (String device : devices) {
            LvmNames.checkDevicePath(device);
            if (!seen.add(device)) {
                throw new LvmException(Reason.INVALID_ARGUMENT, "device " + device + " is given twice");
            }
        }
        return List.copyOf(devices);
    }

    /**
     * Checks every device before touching any, then runs pvcreate on those that are not PVs yet.
     * Returns the devices it turned into PVs, for {@link #undoPhysicalVolumes}.
     */
    private List<String> makePhysicalVolumes(Lvm2Commands lvm2, List<String> wanted, String pool) throws LvmException {
        Map<String, PhysicalVolume> known = new HashMap<>();
        for (PhysicalVolume pv : Pvs.list(lvm2)) {
            known.put(devices.canonical(pv.device()), pv);
        }
        List<String> toCreate = new ArrayList<>();
        for (String device : wanted) {
            if (!devices.exists(device)) {
                throw new LvmException(Reason.NOT_FOUND, "device " + device + " does not exist: check the path with"
                        + " `lsblk` or `ls -l " + device + "`");
            }
            Optional<String> use = devices.useOutsideLvm(device);
            if (use.isPresent()) {
                throw new LvmException(Reason.DEVICE_IN_USE, "device " + device + " is " + use.get()
                        + ": release it first, and check that it holds nothing you need");
            }
            PhysicalVolume pv = known.get(devices.canonical(device));
            if (pv == null) {
                toCreate.add(device);
            } else if (pv.vgName().equals(pool)) {
                throw new LvmException(Reason.DEVICE_IN_USE, "device " + device + " is already in pool " + pool);
            } else if (!pv.vgName().isEmpty()) {
                throw new LvmException(Reason.DEVICE_IN_USE, Lvm2Errors.alreadyPhysicalVolume(device, pv.vgName()));
            }
        }
        List<String> created = new ArrayList<>();
        for (String device : toCreate) {
            try {
                PvCreate.run(lvm2, device);
            } catch (LvmException e) {
                undoPhysicalVolumes(lvm2, created, e);
                throw e;
            }
            created.add(device);
        }
        return created;
    }

    private static void undoPhysicalVolumes(Lvm2Commands lvm2, List<String> created, LvmException failure) {
        for (String device : created) {
            try {
                PvRemove.run(lvm2, device);
            } catch (LvmException e) {
                LOG.warn("could not undo pvcreate of {} after a failed pool change: {}", device, e.getMessage());
                failure.addSuppressed(e);
            }
        }
    }

    private static void checkSize(long sizeBytes) throws LvmException {
        if (sizeBytes <= 0) {
            throw new LvmException(Reason.INVALID_ARGUMENT, "a volume size must be positive: " + sizeBytes + " bytes");
        }
    }

    private static void checkFreeSpace(VolumeGroup group, long extents, long askedBytes) throws LvmException {
        long extentSize = group.extentSizeBytes();
        long freeExtents = group.freeBytes() / extentSize;
        if (extents > freeExtents) {
            throw new LvmException(Reason.INSUFFICIENT_SPACE, "pool " + group.name() + " has "
                    + ByteCounts.describe(group.freeBytes()) + " free; " + ByteCounts.describe(askedBytes) + " asked ("
                    + extents + " extents of " + ByteCounts.describe(extentSize) + "): add a device with"
                    + " `bin/appliance pool extend " + group.name() + " DEVICE`, or ask for less");
        }
    }

    private static LvmException vanished(String what, String tool) {
        return new LvmException(Reason.TOOL_FAILED, tool + " succeeded but " + what + " is not reported by lvm2"
                + " afterwards: check `vgs` and `lvs`, another program may have changed it");
    }
}
