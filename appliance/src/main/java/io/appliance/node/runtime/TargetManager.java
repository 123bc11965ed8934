package io.appliance.node.runtime;

import io.appliance.config.ChapSettings;
import io.appliance.config.IscsiNames;
import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.block.FileBlockDevice;
import io.appliance.iscsi.scsi.AtomicWriteLog;
import io.appliance.iscsi.scsi.FileAtomicWriteLog;
import io.appliance.iscsi.scsi.FileReservationStore;
import io.appliance.iscsi.scsi.ReservationStore;
import io.appliance.iscsi.scsi.LogicalUnit;
import io.appliance.iscsi.scsi.LunIdentity;
import io.appliance.iscsi.scsi.ScsiTarget;
import io.appliance.iscsi.target.AccessControlEntry;
import io.appliance.iscsi.target.ChapCredentials;
import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.iscsi.target.TargetRegistry;
import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.VolumeGroup;
import io.appliance.node.model.AclSpec;
import io.appliance.node.model.LunSpec;
import io.appliance.node.model.LvmNames;
import io.appliance.node.model.NodeException;
import io.appliance.node.model.TargetSpec;
import io.appliance.node.replication.ReplicatedDisks;
import io.appliance.node.store.AclRecord;
import io.appliance.node.store.LunBacking;
import io.appliance.node.store.LunRecord;
import io.appliance.node.store.NodeStore;
import io.appliance.node.store.TargetRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's targets, LUNs and ACLs, kept identical in three places: the state database, the
 * running SCSI devices, and the {@link TargetRegistry} the iSCSI server logs initiators in with.
 * Every change is all-or-nothing: it either happens in all three or leaves all three as they were
 * (a LUN whose file cannot be created leaves no row; a row that cannot be written leaves no device;
 * a volume carved for a LUN that then cannot be created is removed again).
 *
 * <p>It also owns the node's pools and volumes ({@link VolumeManager}): a volume that backs a LUN
 * cannot be renamed or removed, and extending it grows the LUN online.
 *
 * <p>Live effect: a new LUN is presented at once (initiators get REPORTED LUNS DATA HAS CHANGED); a
 * deleted target is removed from the registry first, so no new login or discovery sees it; an ACL
 * change puts a new {@link IscsiTarget} snapshot, which new logins see (sessions already logged in
 * keep the access they were admitted with).
 *
 * <p>Threads: changes are serialised by one lock; reads go to the database and may run
 * concurrently with a change. Failures are {@link NodeException}s naming the field or object.
 */
public final class TargetManager implements AutoCloseable {

    /** VPD 83h relative target port identifier of the node's single target port. */
    static final int RELATIVE_TARGET_PORT_ID = 1;
    private static final Logger LOG = LoggerFactory.getLogger(TargetManager.class);
    /** Under the state directory: one {@code <lun uuid>.pr} file of persistent reservations per LUN. */
    static final String RESERVATIONS_DIRECTORY = "reservations";
    /** Under the state directory: one {@code <lun uuid>.log} redo record of WRITE ATOMIC (16) per LUN on a file or LV. */
    static final String ATOMIC_WRITES_DIRECTORY = "atomic";

    private final NodeStore store;
    private final TargetRegistry registry;
    private final NodeLayout layout;
    private final Executor ioExecutor;
    private final VolumeManager volumes;
    private final Clock clock;
    private final PortalGroup portalGroup;
    private final ReplicatedDisks replicatedDisks;
    private final Object changeLock = new Object();
    /** Served targets by normalised name. */
    private final Map<String, ServedTarget> served = new ConcurrentHashMap<>();

    /**
     * @param ioExecutor  runs the LUN files' I/O
     * @param volumes     the node's pools and volumes, for LUNs backed by logical volumes
     * @param portalGroup the portals every target is reachable on
     */
    public TargetManager(NodeStore store, TargetRegistry registry, NodeLayout layout, Executor ioExecutor,
            VolumeManager volumes, Clock clock, PortalGroup portalGroup) {
        this(store, registry, layout, ioExecutor, volumes, clock, portalGroup, ReplicatedDisks.none());
    }

    /** @param replicatedDisks the node's replicated disks, for LUNs served on one ({@code replicatedDisk}) */
    public TargetManager(NodeStore store, TargetRegistry registry, NodeLayout layout, Executor ioExecutor,
            VolumeManager volumes, Clock clock, PortalGroup portalGroup, ReplicatedDisks replicatedDisks) {
        this.replicatedDisks = replicatedDisks;
        this.store = store;
        this.registry = registry;
        this.layout = layout;
        this.ioExecutor = ioExecutor;
        this.volumes = volumes;
        this.clock = clock;
        this.portalGroup = portalGroup;
    }

    /**
     * Serves every stored target: opens each LUN's file or volume and publishes the targets in the
     * registry. A LUN whose file or volume is missing or unreadable is left offline (reported by {@link #luns} and the
     * health check) rather than stopping the node, so that the operator can fix or delete it.
     */
    public void start() {
        synchronized (changeLock) {
            for (TargetRecord target : store.targets()) {
                ServedTarget servedTarget = new ServedTarget(newScsiTarget(target.name()));
                served.put(key(target.name()), servedTarget);
                for (LunRecord lun : store.luns(target.name())) {
                    serveStoredLun(servedTarget, lun);
                }
                publish(target.name());
            }
        }
    }

    /** Publishes every target again, e.g. after the portals became known. */
    public void republish() {
        synchronized (changeLock) {
            for (TargetRecord target : store.targets()) {
                publish(target.name());
            }
        }
    }

    /** True when the database has never been seeded and has no targets. */
    public boolean needsSeed() {
        return !store.seeded() && store.targetCount() == 0;
    }

    public void markSeeded() {
        store.markSeeded();
    }

    // ---- targets ----

    public List<TargetState> targets() {
        return store.targets().stream().map(this::state).toList();
    }

    public TargetState target(String name) {
        return state(requireTarget(name));
    }

    public TargetState createTarget(TargetSpec spec) {
        synchronized (changeLock) {
            if (store.target(spec.name()).isPresent()) {
                throw new NodeException.Conflict("target " + spec.name() + " exists");
            }
            TargetRecord record = store.insertTarget(spec.name(), spec.alias(), spec.openAccess());
            served.put(key(spec.name()), new ServedTarget(newScsiTarget(spec.name())));
            publish(spec.name());
            LOG.info("Created target {} (alias '{}', open access {})", record.name(), record.alias(), record.openAccess());
            return state(record);
        }
    }

    /** Changes alias and open access; the name stays. */
    public TargetState updateTarget(String name, String alias, boolean openAccess) {
        synchronized (changeLock) {
            TargetRecord record = requireTarget(name);
            store.updateTarget(record.name(), alias, openAccess);
            publish(record.name());
            LOG.info("Changed target {}: alias '{}', open access {}", record.name(), alias, openAccess);
            return target(record.name());
        }
    }

    /**
     * Removes the target: from the registry first (no new login or discovery sees it), then from
     * the database, then its LUNs are withdrawn and closed. LUN files stay.
     */
    public void deleteTarget(String name) {
        synchronized (changeLock) {
            TargetRecord record = requireTarget(name);
            Optional<IscsiTarget> published = registry.remove(record.name());
            try {
                store.deleteTarget(record.name());
            } catch (RuntimeException e) {
                published.ifPresent(registry::put);
                throw e;
            }
            ServedTarget servedTarget = served.remove(key(record.name()));
            if (servedTarget != null) {
                servedTarget.luns.keySet().forEach(lun -> withdraw(servedTarget, lun));
            }
            LOG.info("Deleted target {}", record.name());
        }
    }

    // ---- LUNs ----

    public List<LunState> luns(String target) {
        TargetRecord record = requireTarget(target);
        ServedTarget servedTarget = served.get(key(record.name()));
        return store.luns(record.name()).stream().map(lun -> lunState(servedTarget, lun)).toList();
    }

    public LunState lun(String target, int lun) {
        TargetRecord record = requireTarget(target);
        return lunState(served.get(key(record.name())), requireLun(record.name(), lun));
    }

    /**
     * Creates the LUN's backing, stores the LUN and presents it. The backing is a file (created
     * sparse, or an existing file of exactly the requested size), an existing logical volume, or a
     * new logical volume carved from a pool; a carved volume is removed again when the LUN cannot be
     * created.
     */
    public LunState createLun(String target, LunSpec spec) {
        synchronized (changeLock) {
            TargetRecord targetRecord = requireTarget(target);
            int lun = spec.lun();
            if (store.lun(targetRecord.name(), lun).isPresent()) {
                throw new NodeException.Conflict("target " + targetRecord.name() + " already has LUN " + lun);
            }
            UUID uuid = spec.uuid() != null ? spec.uuid() : UUID.randomUUID();
            store.lunByUuid(uuid).ifPresent(other -> {
                throw new NodeException.Conflict("uuid " + uuid + " is used by LUN " + other.lun() + " of " + other.targetName());
            });
            return switch (spec.backing()) {
                case FILE -> createFileLun(targetRecord, spec, uuid);
                case REPLICATED -> createReplicatedLun(targetRecord, spec, uuid);
                case EXISTING_VOLUME, NEW_VOLUME -> createVolumeLun(targetRecord, spec, uuid);
            };
        }
    }

    private LunState createFileLun(TargetRecord targetRecord, LunSpec spec, UUID uuid) {
        int lun = spec.lun();
        String backingFile = spec.backingFile() != null ? spec.backingFile() : layout.defaultBackingFile(targetRecord.name(), lun);
        Path path = layout.resolveBackingFile(backingFile);
        store.lunByBackingFile(path).ifPresent(other -> {
            throw new NodeException.Conflict("backingFile " + path + " is used by LUN " + other.lun() + " of " + other.targetName());
        });
        long sizeBytes = spec.size().toBytes();
        boolean adopted = checkExistingFile(path, sizeBytes);
        FileBlockDevice device = openOrCreate(path, sizeBytes, spec.readOnly(), adopted);
        LunRecord record = new LunRecord(targetRecord.name(), lun, uuid, new LunBacking.File(path), device.size(),
                LunSpec.BLOCK_SIZE, spec.readOnly(), clock.instant());
        present(record, new ServedFile(device), () -> {
            if (!adopted) {
                deleteQuietly(path);
            }
        });
        LOG.info("Created LUN {} of {}: {} bytes in {}{}", lun, targetRecord.name(), device.size(), path,
                adopted ? " (existing file)" : "");
        return lun(targetRecord.name(), lun);
    }

    private LunState createVolumeLun(TargetRecord targetRecord, LunSpec spec, UUID uuid) {
        int lun = spec.lun();
        boolean carve = spec.backing() == LunSpec.Backing.NEW_VOLUME;
        String field = carve ? "pool" : "volume";
        String pool = carve ? spec.pool() : spec.volumePool();
        String name = carve ? carvedVolumeName(targetRecord, spec) : spec.volumeNameInPool();
        LunBacking.Volume backing = new LunBacking.Volume(pool, name);
        store.lunByVolume(pool, name).ifPresent(other -> {
            throw new NodeException.Conflict("volume " + backing.fullName() + " is used by LUN " + other.lun() + " of "
                    + other.targetName());
        });
        if (volumes.pool(pool).isEmpty()) {
            throw new NodeException.InvalidFields(field, "there is no pool " + pool
                    + "; create it first (POST /api/v1/pools) or pick one of GET /api/v1/pools");
        }
        if (carve) {
            volumes.createVolume(pool, name, spec.size().toBytes());
        } else {
            LogicalVolume existing = volumes.volume(pool, name).orElseThrow(() -> new NodeException.InvalidFields("volume",
                    "pool " + pool + " has no volume " + name + "; see GET /api/v1/pools/" + pool + "/volumes"));
            if (spec.size() != null && spec.size().toBytes() != existing.sizeBytes()) {
                throw new NodeException.InvalidFields("size", "volume " + backing.fullName() + " has " + existing.sizeBytes()
                        + " bytes; leave size out to serve it as it is, or extend the volume first");
            }
        }
        Runnable undo = carve ? () -> removeCarvedVolume(backing) : () -> { };
        VolumeManager.OpenedVolume opened;
        try {
            opened = volumes.open(pool, name, LunSpec.BLOCK_SIZE, spec.readOnly());
        } catch (RuntimeException e) {
            undo.run();
            throw e;
        }
        LunRecord record = new LunRecord(targetRecord.name(), lun, uuid, backing, opened.device().size(), LunSpec.BLOCK_SIZE,
                spec.readOnly(), clock.instant());
        present(record, new ServedVolume(opened), undo);
        LOG.info("Created LUN {} of {}: {} bytes on volume {}{} ({})", lun, targetRecord.name(), opened.device().size(),
                backing.fullName(), carve ? " (carved)" : "", opened.access());
        return lun(targetRecord.name(), lun);
    }

    /**
     * A LUN on a replicated disk: it serves the resource's device (borrowed: deleting the LUN leaves
     * the resource alone) at the resource's size; one LUN per resource.
     */
    private LunState createReplicatedLun(TargetRecord targetRecord, LunSpec spec, UUID uuid) {
        String resource = spec.replicatedDisk();
        List<LunRecord> users = store.lunsOnReplicated(resource);
        if (!users.isEmpty()) {
            throw new NodeException.Conflict("replicated disk " + resource + " is served by LUN " + users.get(0).lun() + " of "
                    + users.get(0).targetName());
        }
        BlockDevice device = replicatedDisks.borrow(resource, 0).orElseThrow(() -> new NodeException.InvalidFields(
                "replicatedDisk", "this node has no replicated disk " + resource
                        + "; define it in the configuration's replication section (see GET /api/v1/replication)"));
        long sizeBytes = device.size();
        if (sizeBytes <= 0) {
            throw new NodeException.Conflict("replicated disk " + resource + " does not know its size yet (not attached);"
                    + " bring it up first (appliance replication up " + resource + ")");
        }
        LunRecord record = new LunRecord(targetRecord.name(), spec.lun(), uuid, new LunBacking.Replicated(resource), sizeBytes,
                LunSpec.BLOCK_SIZE, spec.readOnly(), clock.instant());
        present(record, new ServedReplicated(device), () -> { });
        LOG.info("Created LUN {} of {}: {} bytes on replicated disk {}", spec.lun(), targetRecord.name(), sizeBytes, resource);
        return lun(targetRecord.name(), spec.lun());
    }

    /** {@code volumeName}, else {@code <alias>-lun<N>} (the target's short name when it has no alias). */
    private static String carvedVolumeName(TargetRecord targetRecord, LunSpec spec) {
        if (spec.volumeName() != null) {
            return spec.volumeName();
        }
        String alias = targetRecord.alias();
        String base = alias.isBlank() ? targetRecord.name().substring(targetRecord.name().lastIndexOf(':') + 1) : alias;
        return LvmNames.derive(base, "-lun" + spec.lun());
    }

    /**
     * Stores and presents a LUN whose device is open; on failure closes the device, runs
     * {@code undoBacking} (deletes a new file, removes a carved volume) and leaves no row.
     */
    private void present(LunRecord record, ServedBacking backing, Runnable undoBacking) {
        LogicalUnit unit;
        try {
            unit = openUnit(record, backing.device());
        } catch (RuntimeException e) {
            backing.device().close();
            undoBacking.run();
            throw e;
        }
        ServedTarget servedTarget = served.get(key(record.targetName()));
        try {
            store.insertLun(record);
        } catch (RuntimeException e) {
            unit.close();
            undoBacking.run();
            throw e;
        }
        try {
            servedTarget.scsi.addLun(record.lun(), unit);
        } catch (RuntimeException e) {
            store.deleteLun(record.targetName(), record.lun());
            unit.close();
            undoBacking.run();
            throw e;
        }
        servedTarget.luns.put(record.lun(), new ServedLun(unit, backing));
    }

    private void removeCarvedVolume(LunBacking.Volume volume) {
        try {
            volumes.removeVolume(volume.pool(), volume.volume());
            LOG.info("Removed volume {} again after the LUN could not be created", volume.fullName());
        } catch (RuntimeException e) {
            LOG.error("Could not remove volume {} after a failed LUN creation; remove it with"
                    + " 'lvremove {}' or DELETE /api/v1/pools/{}/volumes/{}", volume.fullName(), volume.fullName(),
                    volume.pool(), volume.volume(), e);
        }
    }

    /**
     * Grows a served LUN (its file grows sparsely; its volume is extended, rounded up to whole
     * extents); initiators get CAPACITY DATA HAS CHANGED.
     */
    public LunState growLun(String target, int lun, long newSizeBytes) {
        synchronized (changeLock) {
            TargetRecord targetRecord = requireTarget(target);
            LunRecord record = requireLun(targetRecord.name(), lun);
            if (newSizeBytes < record.sizeBytes()) {
                throw new NodeException.InvalidFields("size", "can only grow; LUN " + lun + " has "
                        + record.sizeBytes() + " bytes");
            }
            if (newSizeBytes == record.sizeBytes()) {
                return lun(targetRecord.name(), lun);
            }
            if (record.backing() instanceof LunBacking.Replicated replicated) {
                throw new NodeException.Conflict("LUN " + lun + " of " + targetRecord.name() + " serves replicated disk "
                        + replicated.resource() + " at its size; grow its backing volumes on both nodes and run"
                        + " 'appliance replication resize " + replicated.resource() + "'");
            }
            ServedLun servedLun = served.get(key(targetRecord.name())).luns.get(lun);
            if (servedLun == null) {
                throw new NodeException.Conflict("LUN " + lun + " of " + targetRecord.name()
                        + " is offline; fix its " + record.backing().kind() + " and restart the node before resizing it");
            }
            grow(record, servedLun, newSizeBytes);
            return lun(targetRecord.name(), lun);
        }
    }

    /**
     * A replicated disk's size changed (its {@code resize} verb ran here or on the peer): every LUN on
     * it records the new size and tells its initiators (CAPACITY DATA HAS CHANGED).
     */
    public void replicatedDiskResized(String resource) {
        synchronized (changeLock) {
            for (LunRecord record : store.lunsOnReplicated(resource)) {
                ServedTarget servedTarget = served.get(key(record.targetName()));
                ServedLun servedLun = servedTarget == null ? null : servedTarget.luns.get(record.lun());
                if (servedLun == null) {
                    continue;
                }
                long size = servedLun.backing().device().size();
                if (size != record.sizeBytes()) {
                    store.updateLunSize(record.targetName(), record.lun(), size);
                    servedLun.unit().capacityChanged();
                    LOG.info("LUN {} of {} on replicated disk {} is now {} bytes", record.lun(), record.targetName(),
                            resource, size);
                }
            }
        }
    }

    private void grow(LunRecord record, ServedLun servedLun, long newSizeBytes) {
        if (servedLun.backing() instanceof ServedFile file) {
            try {
                file.device().grow(newSizeBytes);
            } catch (IOException e) {
                throw new NodeException.StorageFailure("field 'size': cannot grow " + file.device().path() + ": "
                        + e.getMessage(), e);
            }
        } else if (servedLun.backing() instanceof ServedVolume volume && record.backing() instanceof LunBacking.Volume backing) {
            volumes.extendVolume(backing.pool(), backing.volume(), newSizeBytes);
            // the volume is extended now; if the reload fails, the next start serves the larger volume
            volume.opened().reload();
        }
        long size = servedLun.backing().device().size();
        store.updateLunSize(record.targetName(), record.lun(), size);
        servedLun.unit().capacityChanged();
        LOG.info("Grew LUN {} of {} to {} bytes", record.lun(), record.targetName(), size);
    }

    /**
     * Withdraws and closes the LUN and forgets it. Refused while an ACL maps to it.
     *
     * @param deleteBacking also delete its backing file, or remove its volume
     */
    public void deleteLun(String target, int lun, boolean deleteBacking) {
        synchronized (changeLock) {
            TargetRecord targetRecord = requireTarget(target);
            LunRecord record = requireLun(targetRecord.name(), lun);
            List<String> mappedBy = store.initiatorsMappingTo(targetRecord.name(), lun);
            if (!mappedBy.isEmpty()) {
                throw new NodeException.Conflict("LUN " + lun + " of " + targetRecord.name() + " is mapped by the ACL of "
                        + String.join(", ", mappedBy) + "; change or delete those ACLs first");
            }
            store.deleteLun(targetRecord.name(), lun);
            ServedTarget servedTarget = served.get(key(targetRecord.name()));
            if (servedTarget != null) {
                withdraw(servedTarget, lun);
            }
            if (deleteBacking) {
                deleteBacking(record);
            }
            deleteLunState(record.uuid());
            LOG.info("Deleted LUN {} of {}{}", lun, targetRecord.name(), deleteBacking ? " and its " + record.backing().kind() : "");
        }
    }

    private void deleteBacking(LunRecord record) {
        if (record.backing() instanceof LunBacking.File file) {
            try {
                Files.deleteIfExists(file.path());
            } catch (IOException e) {
                throw new NodeException.StorageFailure("LUN " + record.lun() + " is deleted but its file " + file.path()
                        + " could not be: " + e.getMessage(), e);
            }
        } else if (record.backing() instanceof LunBacking.Volume volume) {
            try {
                volumes.removeVolume(volume.pool(), volume.volume());
            } catch (NodeException e) {
                throw new NodeException.StorageFailure("LUN " + record.lun() + " is deleted but its volume "
                        + volume.fullName() + " could not be removed: " + e.getMessage(), e);
            }
        }
    }

    // ---- pools and volumes ----

    public List<VolumeGroup> pools() {
        return volumes.pools();
    }

    public VolumeGroup pool(String name) {
        return volumes.pool(name).orElseThrow(() -> new NodeException.Unknown("no pool " + name));
    }

    public VolumeGroup createPool(String name, List<String> devices, long extentSizeBytes) {
        if (volumes.pool(name).isPresent()) {
            throw new NodeException.Conflict("pool " + name + " exists; add devices to it with PATCH {\"addDevices\":[..]}");
        }
        VolumeGroup pool = volumes.createPool(name, devices, extentSizeBytes);
        LOG.info("Created pool {} on {} ({} bytes, extents of {} bytes)", name, devices, pool.sizeBytes(), pool.extentSizeBytes());
        return pool;
    }

    public VolumeGroup extendPool(String name, List<String> devices) {
        pool(name);
        VolumeGroup pool = volumes.extendPool(name, devices);
        LOG.info("Added {} to pool {} (now {} bytes)", devices, name, pool.sizeBytes());
        return pool;
    }

    public List<VolumeState> volumes(String pool) {
        pool(pool);
        return volumes.volumes(pool).stream().map(this::volumeState).toList();
    }

    public VolumeState volume(String pool, String name) {
        return volumeState(requireVolume(pool, name));
    }

    /** Carves a volume; its size is rounded up to whole extents. */
    public VolumeState createVolume(String pool, String name, long sizeBytes) {
        synchronized (changeLock) {
            pool(pool);
            LogicalVolume created = volumes.createVolume(pool, name, sizeBytes);
            LOG.info("Created volume {} of {} bytes", created.fullName(), created.sizeBytes());
            return volumeState(created);
        }
    }

    /** Extends a volume; when it backs a served LUN, the LUN grows online as with {@link #growLun}. */
    public VolumeState extendVolume(String pool, String name, long newSizeBytes) {
        synchronized (changeLock) {
            LogicalVolume current = requireVolume(pool, name);
            if (newSizeBytes < current.sizeBytes()) {
                throw new NodeException.InvalidFields("size", "can only grow; volume " + current.fullName() + " has "
                        + current.sizeBytes() + " bytes");
            }
            Optional<LunRecord> user = store.lunByVolume(pool, name);
            ServedLun servedLun = user.map(record -> served.get(key(record.targetName())))
                    .map(target -> target.luns.get(user.get().lun())).orElse(null);
            if (servedLun != null) {
                grow(user.get(), servedLun, newSizeBytes);
            } else {
                LogicalVolume extended = volumes.extendVolume(pool, name, newSizeBytes);
                LOG.info("Extended volume {} to {} bytes", extended.fullName(), extended.sizeBytes());
            }
            return volume(pool, name);
        }
    }

    /** Renames a volume; refused while it backs a LUN. */
    public VolumeState renameVolume(String pool, String name, String newName) {
        synchronized (changeLock) {
            LogicalVolume current = requireVolume(pool, name);
            refuseWhileUsed(current, "renamed");
            LogicalVolume renamed = volumes.renameVolume(pool, name, newName);
            LOG.info("Renamed volume {} to {}", current.fullName(), renamed.fullName());
            return volumeState(renamed);
        }
    }

    /** Removes a volume and its data; refused while it backs a LUN. */
    public void removeVolume(String pool, String name) {
        synchronized (changeLock) {
            LogicalVolume current = requireVolume(pool, name);
            refuseWhileUsed(current, "removed");
            volumes.removeVolume(pool, name);
            LOG.info("Removed volume {}", current.fullName());
        }
    }

    private void refuseWhileUsed(LogicalVolume volume, String what) {
        store.lunByVolume(volume.vgName(), volume.name()).ifPresent(lun -> {
            throw new NodeException.Conflict("volume " + volume.fullName() + " backs LUN " + lun.lun() + " of "
                    + lun.targetName() + " and cannot be " + what + "; delete that LUN first");
        });
    }

    private LogicalVolume requireVolume(String pool, String name) {
        pool(pool);
        return volumes.volume(pool, name).orElseThrow(() -> new NodeException.Unknown("pool " + pool + " has no volume " + name));
    }

    private VolumeState volumeState(LogicalVolume volume) {
        Optional<String> usedBy = store.lunByVolume(volume.vgName(), volume.name())
                .map(lun -> lun.targetName() + "/" + lun.lun());
        return new VolumeState(volume, usedBy);
    }

    // ---- ACLs ----

    public List<AclRecord> acls(String target) {
        return store.acls(requireTarget(target).name());
    }

    public AclRecord acl(String target, String initiator) {
        TargetRecord record = requireTarget(target);
        return requireAcl(record.name(), initiator);
    }

    public AclRecord createAcl(String target, AclSpec spec) {
        synchronized (changeLock) {
            TargetRecord record = requireTarget(target);
            if (store.acl(record.name(), spec.initiator()).isPresent()) {
                throw new NodeException.Conflict("target " + record.name() + " already has an ACL for " + spec.initiator());
            }
            checkMappedLunsExist(record.name(), spec.luns());
            AclRecord acl = new AclRecord(record.name(), spec.initiator(), spec.chap(), spec.luns(), clock.instant());
            store.insertAcl(acl);
            publish(record.name());
            LOG.info("Created ACL for {} on {} (CHAP {}, mutual CHAP {}, LUN mapping {})", spec.initiator(), record.name(),
                    spec.chap().chapEnabled(), spec.chap().mutualChapEnabled(), spec.luns());
            return requireAcl(record.name(), spec.initiator());
        }
    }

    /** Replaces an ACL's CHAP settings and LUN mapping with {@code spec}'s. */
    public AclRecord replaceAcl(String target, AclSpec spec) {
        synchronized (changeLock) {
            TargetRecord record = requireTarget(target);
            AclRecord existing = requireAcl(record.name(), spec.initiator());
            checkMappedLunsExist(record.name(), spec.luns());
            store.replaceAcl(new AclRecord(record.name(), existing.initiator(), spec.chap(), spec.luns(), existing.createdAt()));
            publish(record.name());
            LOG.info("Changed ACL for {} on {} (CHAP {}, mutual CHAP {}, LUN mapping {})", existing.initiator(), record.name(),
                    spec.chap().chapEnabled(), spec.chap().mutualChapEnabled(), spec.luns());
            return requireAcl(record.name(), existing.initiator());
        }
    }

    public void deleteAcl(String target, String initiator) {
        synchronized (changeLock) {
            TargetRecord record = requireTarget(target);
            AclRecord existing = requireAcl(record.name(), initiator);
            store.deleteAcl(record.name(), existing.initiator());
            publish(record.name());
            LOG.info("Deleted ACL for {} on {}", existing.initiator(), record.name());
        }
    }

    /** Where {@code backingFile} (absolute, or relative to the state directory) is; null for null. */
    public Path resolveBackingFile(String backingFile) {
        return backingFile == null ? null : layout.resolveBackingFile(backingFile);
    }

    /** Offline LUNs as "LUN n of target: reason", for the health check. */
    public List<String> offlineLuns() {
        List<String> offline = new ArrayList<>();
        for (TargetRecord target : store.targets()) {
            for (LunState lun : luns(target.name())) {
                lun.problem().ifPresent(problem -> offline.add("LUN " + lun.record().lun() + " of " + target.name() + ": " + problem));
            }
        }
        return offline;
    }

    /** Withdraws every target from the registry and closes every LUN. The database is untouched. */
    @Override
    public void close() {
        synchronized (changeLock) {
            for (var entry : served.entrySet()) {
                registry.remove(entry.getValue().scsi.targetName());
                entry.getValue().luns.keySet().forEach(lun -> withdraw(entry.getValue(), lun));
            }
            served.clear();
        }
    }

    // ---- internals ----

    private void serveStoredLun(ServedTarget servedTarget, LunRecord lun) {
        String where = "LUN " + lun.lun() + " of " + lun.targetName();
        if (lun.backing() instanceof LunBacking.Replicated replicated) {
            serveStoredReplicatedLun(servedTarget, lun, replicated.resource(), where);
            return;
        }
        Optional<ServedBacking> opened = lun.backing() instanceof LunBacking.Volume volume
                ? openStoredVolume(servedTarget, lun, volume, where)
                : openStoredFile(servedTarget, lun, ((LunBacking.File) lun.backing()).path(), where);
        if (opened.isEmpty()) {
            return;
        }
        BlockDevice device = opened.get().device();
        String what = lun.backing() instanceof LunBacking.Volume volume ? "volume " + volume.fullName()
                : "file " + ((LunBacking.File) lun.backing()).path();
        if (device.size() < lun.sizeBytes()) {
            device.close();
            servedTarget.offline.put(lun.lun(), what + " has " + device.size() + " bytes, fewer than the "
                    + lun.sizeBytes() + " the LUN had");
            LOG.error("{} is offline: its {} is smaller than the LUN's {} bytes; restore it", where, what, lun.sizeBytes());
            return;
        }
        if (device.size() > lun.sizeBytes()) {
            LOG.warn("{}: {} has grown to {} bytes; serving that size", where, what, device.size());
            store.updateLunSize(lun.targetName(), lun.lun(), device.size());
        }
        LogicalUnit unit;
        try {
            unit = openUnit(lun, device);
        } catch (UncheckedIOException e) {
            device.close();
            servedTarget.offline.put(lun.lun(), "cannot read its persistent reservations or atomic-write log: "
                    + e.getMessage());
            LOG.error("{} is offline: cannot read its persistent reservations or atomic-write log", where, e);
            return;
        }
        servedTarget.scsi.addLun(lun.lun(), unit);
        servedTarget.luns.put(lun.lun(), new ServedLun(unit, opened.get()));
    }

    /**
     * A stored LUN on a replicated disk is served whatever the resource's state: while it is not
     * Primary here its I/O gets NOT READY, and while its size is unknown the stored size is shown.
     */
    private void serveStoredReplicatedLun(ServedTarget servedTarget, LunRecord lun, String resource, String where) {
        Optional<BlockDevice> device = replicatedDisks.borrow(resource, lun.sizeBytes());
        if (device.isEmpty()) {
            servedTarget.offline.put(lun.lun(), "replicated disk " + resource + " is not defined on this node");
            LOG.error("{} is offline: replicated disk {} is not in the configuration's replication section; add it"
                    + " and restart, or delete the LUN", where, resource);
            return;
        }
        if (device.get().size() != lun.sizeBytes()) {
            LOG.warn("{}: replicated disk {} has {} bytes, the LUN had {}; serving the disk's size", where, resource,
                    device.get().size(), lun.sizeBytes());
            store.updateLunSize(lun.targetName(), lun.lun(), device.get().size());
        }
        LogicalUnit unit;
        try {
            unit = openUnit(lun, device.get());
        } catch (UncheckedIOException e) {
            servedTarget.offline.put(lun.lun(), "cannot read its persistent reservations: " + e.getMessage());
            LOG.error("{} is offline: cannot read its persistent reservations", where, e);
            return;
        }
        servedTarget.scsi.addLun(lun.lun(), unit);
        servedTarget.luns.put(lun.lun(), new ServedLun(unit, new ServedReplicated(device.get())));
    }

    private Optional<ServedBacking> openStoredFile(ServedTarget servedTarget, LunRecord lun, Path path, String where) {
        if (!Files.isRegularFile(path)) {
            servedTarget.offline.put(lun.lun(), "backing file " + path + " is missing");
            LOG.error("{} is offline: its backing file {} is missing; restore the file and restart, or delete the LUN",
                    where, path);
            return Optional.empty();
        }
        try {
            return Optional.of(new ServedFile(FileBlockDevice.open(path, lun.blockSize(), lun.readOnly(), ioExecutor)));
        } catch (IOException | RuntimeException e) {
            servedTarget.offline.put(lun.lun(), "cannot open " + path + ": " + e.getMessage());
            LOG.error("{} is offline: cannot open {}", where, path, e);
            return Optional.empty();
        }
    }

    private Optional<ServedBacking> openStoredVolume(ServedTarget servedTarget, LunRecord lun, LunBacking.Volume volume,
            String where) {
        try {
            if (volumes.volume(volume.pool(), volume.volume()).isEmpty()) {
                servedTarget.offline.put(lun.lun(), "volume " + volume.fullName() + " is missing");
                LOG.error("{} is offline: its volume {} is missing; restore it (lvs {}) and restart, or delete the LUN",
                        where, volume.fullName(), volume.pool());
                return Optional.empty();
            }
            return Optional.of(new ServedVolume(volumes.open(volume.pool(), volume.volume(), lun.blockSize(), lun.readOnly())));
        } catch (RuntimeException e) {
            servedTarget.offline.put(lun.lun(), "cannot open volume " + volume.fullName() + ": " + e.getMessage());
            LOG.error("{} is offline: cannot open volume {}", where, volume.fullName(), e);
            return Optional.empty();
        }
    }

    /** The SCSI device of a target; its target port group is the portal group tag (one group per node). */
    private ScsiTarget newScsiTarget(String name) {
        return new ScsiTarget(name, RELATIVE_TARGET_PORT_ID, portalGroup.tag());
    }

    /** True when {@code path} exists and may be adopted; throws when it exists but may not. */
    private static boolean checkExistingFile(Path path, long sizeBytes) {
        if (!Files.exists(path)) {
            return false;
        }
        if (!Files.isRegularFile(path)) {
            throw new NodeException.InvalidFields("backingFile", path + " exists and is not a regular file");
        }
        long existing;
        try {
            existing = Files.size(path);
        } catch (IOException e) {
            throw new NodeException.StorageFailure("field 'backingFile': cannot read the size of " + path + ": " + e.getMessage(), e);
        }
        if (existing != sizeBytes) {
            throw new NodeException.Conflict("backingFile " + path + " exists with " + existing + " bytes, not the "
                    + sizeBytes + " asked for; choose another file, or the file's size to serve it as it is");
        }
        return true;
    }

    /** Creates the sparse file, then opens it with the LUN's access mode. */
    private FileBlockDevice createFile(Path path, long sizeBytes, boolean readOnly) throws IOException {
        FileBlockDevice created = FileBlockDevice.create(path, sizeBytes, LunSpec.BLOCK_SIZE, ioExecutor);
        if (!readOnly) {
            return created;
        }
        created.close();
        return FileBlockDevice.open(path, LunSpec.BLOCK_SIZE, true, ioExecutor);
    }

    private FileBlockDevice openOrCreate(Path path, long sizeBytes, boolean readOnly, boolean exists) {
        try {
            return exists
                    ? FileBlockDevice.open(path, LunSpec.BLOCK_SIZE, readOnly, ioExecutor)
                    : createFile(path, sizeBytes, readOnly);
        } catch (IOException | RuntimeException e) {
            if (!exists) {
                deleteQuietly(path);
            }
            throw new NodeException.StorageFailure("field 'backingFile': cannot " + (exists ? "open " : "create ")
                    + path + ": " + describe(e), e);
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    /** The LUN's persistent reservations (SPC-4 §5.13), kept across restarts: {@code <stateDirectory>/reservations/<uuid>.pr}. */
    private FileReservationStore reservationStore(UUID lunUuid) {
        Path directory = layout.stateDirectory().resolve(RESERVATIONS_DIRECTORY);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        return new FileReservationStore(reservationFile(lunUuid));
    }

    /**
     * The logical unit of a stored LUN on its opened device: its persistent reservations and, on a file or a logical
     * volume, the redo log that makes WRITE ATOMIC (16) atomic across a crash ({@code <stateDirectory>/atomic/<uuid>.log},
     * replayed here). A LUN on a replicated disk has no such log: the record would stay on the old Primary after a
     * failover, so that LUN does not offer WRITE ATOMIC.
     *
     * @throws UncheckedIOException when the reservations or the log cannot be read, or the replay fails
     */
    private LogicalUnit openUnit(LunRecord lun, BlockDevice device) {
        AtomicWriteLog atomicWrites = lun.backing() instanceof LunBacking.Replicated ? null : atomicWriteLog(lun.uuid());
        return new LogicalUnit(LunIdentity.derive(lun.uuid()), device, lun.readOnly(), reservationStore(lun),
                atomicWrites);
    }

    private FileAtomicWriteLog atomicWriteLog(UUID lunUuid) {
        Path file = atomicWriteLogFile(lunUuid);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file.getParent(), e);
        }
        return new FileAtomicWriteLog(file);
    }

    Path atomicWriteLogFile(UUID lunUuid) {
        return layout.stateDirectory().resolve(ATOMIC_WRITES_DIRECTORY).resolve(lunUuid + ".log");
    }

    /** As {@link #reservationStore(UUID)}; for a LUN on a replicated disk, copied to the peer as well. */
    private ReservationStore reservationStore(LunRecord lun) {
        FileReservationStore local = reservationStore(lun.uuid());
        return lun.backing() instanceof LunBacking.Replicated replicated
                ? replicatedDisks.reservationStore(replicated.resource(), lun.uuid(), local)
                : local;
    }

    Path reservationFile(UUID lunUuid) {
        return layout.stateDirectory().resolve(RESERVATIONS_DIRECTORY).resolve(lunUuid + ".pr");
    }

    /** Removes a deleted LUN's persistent reservations and atomic-write log. */
    private void deleteLunState(UUID lunUuid) {
        for (Path file : List.of(reservationFile(lunUuid), atomicWriteLogFile(lunUuid))) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("Could not remove {} of a deleted LUN", file, e);
            }
        }
    }

    private static void deleteQuietly(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try {
            Files.delete(path);
        } catch (IOException e) {
            LOG.warn("Could not remove {} after a failed LUN creation", path, e);
        }
    }

    private static void withdraw(ServedTarget servedTarget, int lun) {
        servedTarget.offline.remove(lun);
        ServedLun servedLun = servedTarget.luns.remove(lun);
        if (servedLun != null) {
            servedTarget.scsi.removeLun(lun);
            servedLun.unit.close();
        }
    }

    private void checkMappedLunsExist(String target, Map<Integer, Integer> mapping) {
        List<String> missing = new ArrayList<>();
        mapping.forEach((initiatorLun, targetLun) -> {
            if (store.lun(target, targetLun).isEmpty()) {
                missing.add(initiatorLun + "->" + targetLun);
            }
        });
        if (!missing.isEmpty()) {
            throw new NodeException.InvalidFields("luns", "maps to LUNs that target " + target + " does not have: "
                    + String.join(", ", missing));
        }
    }

    /** Puts the target's current snapshot into the registry. */
    private void publish(String name) {
        TargetRecord record = requireTarget(name);
        ServedTarget servedTarget = served.get(key(name));
        List<AccessControlEntry> entries = store.acls(record.name()).stream().map(TargetManager::accessEntry).toList();
        registry.put(new IscsiTarget(record.name(), record.alias(), portalGroup.tag(), portalGroup.portals(),
                record.openAccess(), entries, servedTarget.scsi));
    }

    private static AccessControlEntry accessEntry(AclRecord acl) {
        ChapSettings chap = acl.chap();
        Optional<ChapCredentials> initiatorChap = chap.chapEnabled()
                ? Optional.of(new ChapCredentials(chap.chapUser(), chap.chapSecret())) : Optional.empty();
        Optional<ChapCredentials> mutualChap = chap.mutualChapEnabled()
                ? Optional.of(new ChapCredentials(chap.mutualChapUser(), chap.mutualChapSecret())) : Optional.empty();
        return new AccessControlEntry(acl.initiator(), initiatorChap, mutualChap, acl.lunMapping());
    }

    private TargetState state(TargetRecord record) {
        List<Integer> luns = store.luns(record.name()).stream().map(LunRecord::lun).toList();
        List<String> initiators = store.acls(record.name()).stream().map(AclRecord::initiator).toList();
        return new TargetState(record, portalGroup.tag(), luns, initiators);
    }

    private static LunState lunState(ServedTarget servedTarget, LunRecord record) {
        Optional<String> problem = servedTarget == null
                ? Optional.of("target is not served")
                : Optional.ofNullable(servedTarget.offline.get(record.lun()));
        ServedLun servedLun = servedTarget == null ? null : servedTarget.luns.get(record.lun());
        Optional<String> access = servedLun != null && servedLun.backing() instanceof ServedVolume volume
                ? Optional.of(volume.opened().access()) : Optional.empty();
        return new LunState(record, LunIdentity.derive(record.uuid()), problem, access);
    }

    private TargetRecord requireTarget(String name) {
        return store.target(name).orElseThrow(() -> new NodeException.Unknown("no target " + name));
    }

    private LunRecord requireLun(String target, int lun) {
        return store.lun(target, lun).orElseThrow(() -> new NodeException.Unknown("target " + target + " has no LUN " + lun));
    }

    private AclRecord requireAcl(String target, String initiator) {
        return store.acl(target, initiator)
                .orElseThrow(() -> new NodeException.Unknown("target " + target + " has no ACL for " + initiator));
    }

    private static String key(String targetName) {
        return IscsiNames.normalize(targetName);
    }

    /** The running side of one target. */
    private static final class ServedTarget {
        final ScsiTarget scsi;
        final Map<Integer, ServedLun> luns = new ConcurrentHashMap<>();
        /** LUNs that could not be opened at start, with the reason. */
        final Map<Integer, String> offline = new ConcurrentHashMap<>();

        ServedTarget(ScsiTarget scsi) {
            this.scsi = scsi;
        }
    }

    private record ServedLun(LogicalUnit unit, ServedBacking backing) {
    }

    /** The open backing of a served LUN. */
    private sealed interface ServedBacking {
        BlockDevice device();
    }

    private record ServedFile(FileBlockDevice device) implements ServedBacking {
    }

    /** A replicated disk's device, borrowed: closing it leaves the resource's device open. */
    private record ServedReplicated(BlockDevice device) implements ServedBacking {
    }

    private record ServedVolume(VolumeManager.OpenedVolume opened) implements ServedBacking {
        @Override
        public BlockDevice device() {
            return opened.device();
        }
    }
}
