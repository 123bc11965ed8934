package io.appliance.node.runtime;

import io.appliance.config.ChapSettings;
import io.appliance.config.IscsiNames;
import io.appliance.iscsi.block.FileBlockDevice;
import io.appliance.iscsi.scsi.LogicalUnit;
import io.appliance.iscsi.scsi.LunIdentity;
import io.appliance.iscsi.scsi.ScsiTarget;
import io.appliance.iscsi.target.AccessControlEntry;
import io.appliance.iscsi.target.ChapCredentials;
import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.iscsi.target.TargetRegistry;
import io.appliance.node.model.AclSpec;
import io.appliance.node.model.LunSpec;
import io.appliance.node.model.NodeException;
import io.appliance.node.model.TargetSpec;
import io.appliance.node.store.AclRecord;
import io.appliance.node.store.LunRecord;
import io.appliance.node.store.NodeStore;
import io.appliance.node.store.TargetRecord;
import java.io.IOException;
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
 * (a LUN whose file cannot be created leaves no row; a row that cannot be written leaves no device).
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

    private final NodeStore store;
    private final TargetRegistry registry;
    private final NodeLayout layout;
    private final Executor ioExecutor;
    private final Clock clock;
    private final PortalGroup portalGroup;
    private final Object changeLock = new Object();
    /** Served targets by normalised name. */
    private final Map<String, ServedTarget> served = new ConcurrentHashMap<>();

    /**
     * @param ioExecutor  runs the LUN files' I/O
     * @param portalGroup the portals every target is reachable on
     */
    public TargetManager(NodeStore store, TargetRegistry registry, NodeLayout layout, Executor ioExecutor, Clock clock,
            PortalGroup portalGroup) {
        this.store = store;
        this.registry = registry;
        this.layout = layout;
        this.ioExecutor = ioExecutor;
        this.clock = clock;
        this.portalGroup = portalGroup;
    }

    /**
     * Serves every stored target: opens each LUN's file and publishes the targets in the registry.
     * A LUN whose file is missing or unreadable is left offline (reported by {@link #luns} and the
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
     * Creates the LUN's file (sparse) or adopts an existing file of exactly the requested size,
     * stores the LUN and presents it.
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
            String backingFile = spec.backingFile() != null ? spec.backingFile() : layout.defaultBackingFile(targetRecord.name(), lun);
            Path path = layout.resolveBackingFile(backingFile);
            store.lunByBackingFile(path).ifPresent(other -> {
                throw new NodeException.Conflict("backingFile " + path + " is used by LUN " + other.lun() + " of " + other.targetName());
            });
            long sizeBytes = spec.size().toBytes();
            boolean adopted = checkExistingFile(path, sizeBytes);
            FileBlockDevice device = openOrCreate(path, sizeBytes, spec.readOnly(), adopted);
            LogicalUnit unit = new LogicalUnit(LunIdentity.derive(uuid), device, spec.readOnly());
            LunRecord record = new LunRecord(targetRecord.name(), lun, uuid, path, device.size(), LunSpec.BLOCK_SIZE,
                    spec.readOnly(), clock.instant());
            ServedTarget servedTarget = served.get(key(targetRecord.name()));
            try {
                store.insertLun(record);
            } catch (RuntimeException e) {
                discard(unit, path, adopted);
                throw e;
            }
            try {
                servedTarget.scsi.addLun(lun, unit);
            } catch (RuntimeException e) {
                store.deleteLun(targetRecord.name(), lun);
                discard(unit, path, adopted);
                throw e;
            }
            servedTarget.luns.put(lun, new ServedLun(unit, device));
            LOG.info("Created LUN {} of {}: {} bytes in {}{}", lun, targetRecord.name(), device.size(), path,
                    adopted ? " (existing file)" : "");
            return lun(targetRecord.name(), lun);
        }
    }

    /** Grows a served LUN (its file grows sparsely); initiators get CAPACITY DATA HAS CHANGED. */
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
            ServedLun servedLun = served.get(key(targetRecord.name())).luns.get(lun);
            if (servedLun == null) {
                throw new NodeException.Conflict("LUN " + lun + " of " + targetRecord.name()
                        + " is offline; fix its file and restart the node before resizing it");
            }
            try {
                servedLun.device.grow(newSizeBytes);
            } catch (IOException e) {
                throw new NodeException.StorageFailure("field 'size': cannot grow " + record.backingFile() + ": " + e.getMessage(), e);
            }
            // the file is grown now; if this update fails, the next start adopts the larger file size
            store.updateLunSize(targetRecord.name(), lun, servedLun.device.size());
            servedLun.unit.capacityChanged();
            LOG.info("Grew LUN {} of {} to {} bytes", lun, targetRecord.name(), servedLun.device.size());
            return lun(targetRecord.name(), lun);
        }
    }

    /**
     * Withdraws and closes the LUN and forgets it. Refused while an ACL maps to it.
     *
     * @param deleteFile also delete its backing file
     */
    public void deleteLun(String target, int lun, boolean deleteFile) {
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
            if (deleteFile) {
                try {
                    Files.deleteIfExists(record.backingFile());
                } catch (IOException e) {
                    throw new NodeException.StorageFailure("LUN " + lun + " is deleted but its file " + record.backingFile()
                            + " could not be: " + e.getMessage(), e);
                }
            }
            LOG.info("Deleted LUN {} of {}{}", lun, targetRecord.name(), deleteFile ? " and its file" : "");
        }
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
        if (!Files.isRegularFile(lun.backingFile())) {
            servedTarget.offline.put(lun.lun(), "backing file " + lun.backingFile() + " is missing");
            LOG.error("{} is offline: its backing file {} is missing; restore the file and restart, or delete the LUN",
                    where, lun.backingFile());
            return;
        }
        FileBlockDevice device;
        try {
            device = FileBlockDevice.open(lun.backingFile(), lun.blockSize(), lun.readOnly(), ioExecutor);
        } catch (IOException | RuntimeException e) {
            servedTarget.offline.put(lun.lun(), "cannot open " + lun.backingFile() + ": " + e.getMessage());
            LOG.error("{} is offline: cannot open {}", where, lun.backingFile(), e);
            return;
        }
        if (device.size() < lun.sizeBytes()) {
            device.close();
            servedTarget.offline.put(lun.lun(), "backing file " + lun.backingFile() + " has " + device.size()
                    + " bytes, fewer than the " + lun.sizeBytes() + " the LUN had");
            LOG.error("{} is offline: its file {} is smaller than the LUN's {} bytes; restore the file", where,
                    lun.backingFile(), lun.sizeBytes());
            return;
        }
        if (device.size() > lun.sizeBytes()) {
            LOG.warn("{}: file {} has grown to {} bytes; serving that size", where, lun.backingFile(), device.size());
            store.updateLunSize(lun.targetName(), lun.lun(), device.size());
        }
        LogicalUnit unit = new LogicalUnit(LunIdentity.derive(lun.uuid()), device, lun.readOnly());
        servedTarget.scsi.addLun(lun.lun(), unit);
        servedTarget.luns.put(lun.lun(), new ServedLun(unit, device));
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

    private static void discard(LogicalUnit unit, Path path, boolean adopted) {
        unit.close();
        if (!adopted) {
            deleteQuietly(path);
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
        return new LunState(record, LunIdentity.derive(record.uuid()), problem);
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

    private record ServedLun(LogicalUnit unit, FileBlockDevice device) {
    }
}
