package io.appliance.node.store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The node's targets, LUNs and ACLs as stored in the state database. Each method is one
 * transaction. Callers check existence and uniqueness first (they hold the node's configuration
 * lock); a constraint the database still refuses is a programming error and surfaces as Jdbi's
 * exception. Thread safe.
 */
public final class NodeStore {

    static final String SEEDED_AT = "seeded_at";

    private final Jdbi jdbi;
    private final Clock clock;

    public NodeStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** True once {@link #markSeeded()} ran for this database. */
    public boolean seeded() {
        return jdbi.withExtension(NodeFactDao.class, facts -> facts.get(SEEDED_AT).isPresent());
    }

    public void markSeeded() {
        jdbi.useExtension(NodeFactDao.class, facts -> facts.put(SEEDED_AT, clock.instant().toString()));
    }

    public int targetCount() {
        return jdbi.withExtension(TargetDao.class, TargetDao::count);
    }

    public List<TargetRecord> targets() {
        return jdbi.withExtension(TargetDao.class, TargetDao::list);
    }

    public Optional<TargetRecord> target(String name) {
        return jdbi.withExtension(TargetDao.class, targets -> targets.find(name));
    }

    public TargetRecord insertTarget(String name, String alias, boolean openAccess) {
        TargetRecord record = new TargetRecord(name, alias, openAccess, clock.instant());
        jdbi.useExtension(TargetDao.class,
                targets -> targets.insert(name, alias, openAccess, record.createdAt().toString()));
        return record;
    }

    public boolean updateTarget(String name, String alias, boolean openAccess) {
        return jdbi.withExtension(TargetDao.class, targets -> targets.update(name, alias, openAccess)) == 1;
    }

    /** Deletes the target with its LUN and ACL rows. */
    public boolean deleteTarget(String name) {
        return jdbi.withExtension(TargetDao.class, targets -> targets.delete(name)) == 1;
    }

    public List<LunRecord> luns(String target) {
        return jdbi.withExtension(LunDao.class, luns -> luns.listOf(target));
    }

    public Optional<LunRecord> lun(String target, int lun) {
        return jdbi.withExtension(LunDao.class, luns -> luns.find(target, lun));
    }

    public Optional<LunRecord> lunByUuid(UUID uuid) {
        return jdbi.withExtension(LunDao.class, luns -> luns.findByUuid(uuid.toString()));
    }

    public Optional<LunRecord> lunByBackingFile(Path file) {
        return jdbi.withExtension(LunDao.class, luns -> luns.findByBackingFile(file.toString()));
    }

    public Optional<LunRecord> lunByVolume(String pool, String volume) {
        return jdbi.withExtension(LunDao.class, luns -> luns.findByVolume(pool, volume));
    }

    /** LUNs backed by logical volumes of {@code pool}. */
    public List<LunRecord> lunsOnPool(String pool) {
        return jdbi.withExtension(LunDao.class, luns -> luns.listOnPool(pool));
    }

    /** The LUNs served on the replicated disk {@code resource}. */
    public List<LunRecord> lunsOnReplicated(String resource) {
        return jdbi.withExtension(LunDao.class, luns -> luns.listOnReplicated(resource));
    }

    public void insertLun(LunRecord lun) {
        String file = lun.backing() instanceof LunBacking.File f ? f.path().toString() : null;
        String pool = lun.backing() instanceof LunBacking.Volume v ? v.pool() : null;
        String volume = lun.backing() instanceof LunBacking.Volume v ? v.volume() : null;
        String resource = lun.backing() instanceof LunBacking.Replicated r ? r.resource() : null;
        jdbi.useExtension(LunDao.class, luns -> luns.insert(lun.targetName(), lun.lun(), lun.uuid().toString(),
                lun.backing().kind(), file, pool, volume, resource, lun.sizeBytes(), lun.blockSize(), lun.readOnly(),
                lun.createdAt().toString()));
    }

    public boolean updateLunSize(String target, int lun, long sizeBytes) {
        return jdbi.withExtension(LunDao.class, luns -> luns.updateSize(target, lun, sizeBytes)) == 1;
    }

    public boolean deleteLun(String target, int lun) {
        return jdbi.withExtension(LunDao.class, luns -> luns.delete(target, lun)) == 1;
    }

    /** Initiators whose ACL on {@code target} maps some LUN to the target's {@code lun}. */
    public List<String> initiatorsMappingTo(String target, int lun) {
        return jdbi.withExtension(AclDao.class, acls -> acls.initiatorsMappingTo(target, lun));
    }

    public List<AclRecord> acls(String target) {
        return jdbi.inTransaction(handle -> {
            AclDao acls = handle.attach(AclDao.class);
            return acls.listWithoutMapping(target).stream().map(row -> withMapping(acls, row)).toList();
        });
    }

    public Optional<AclRecord> acl(String target, String initiator) {
        return jdbi.inTransaction(handle -> {
            AclDao acls = handle.attach(AclDao.class);
            return acls.findWithoutMapping(target, initiator).map(row -> withMapping(acls, row));
        });
    }

    /** Inserts the entry and its LUN mapping; {@code acl.createdAt()} is stored as given. */
    public void insertAcl(AclRecord acl) {
        jdbi.useTransaction(handle -> {
            AclDao acls = handle.attach(AclDao.class);
            var chap = acl.chap();
            acls.insert(acl.targetName(), acl.initiator(), chap.chapUser(), chap.chapSecret(), chap.mutualChapUser(),
                    chap.mutualChapSecret(), acl.createdAt().toString());
            insertMapping(handle, acl);
        });
    }

    /** Replaces the CHAP settings and LUN mapping of an existing entry. */
    public boolean replaceAcl(AclRecord acl) {
        return jdbi.inTransaction(handle -> {
            AclDao acls = handle.attach(AclDao.class);
            var chap = acl.chap();
            int updated = acls.updateChap(acl.targetName(), acl.initiator(), chap.chapUser(), chap.chapSecret(),
                    chap.mutualChapUser(), chap.mutualChapSecret());
            if (updated == 0) {
                return false;
            }
            acls.deleteMapping(acl.targetName(), acl.initiator());
            insertMapping(handle, acl);
            return true;
        });
    }

    public boolean deleteAcl(String target, String initiator) {
        return jdbi.withExtension(AclDao.class, acls -> acls.delete(target, initiator)) == 1;
    }

    private static void insertMapping(Handle handle, AclRecord acl) {
        AclDao acls = handle.attach(AclDao.class);
        acl.lunMapping().forEach((initiatorLun, targetLun) ->
                acls.insertMapping(acl.targetName(), acl.initiator(), initiatorLun, targetLun));
    }

    private static AclRecord withMapping(AclDao acls, AclRecord row) {
        Map<Integer, Integer> mapping = new LinkedHashMap<>();
        acls.mapping(row.targetName(), row.initiator()).forEach(entry -> mapping.put(entry.getKey(), entry.getValue()));
        return new AclRecord(row.targetName(), row.initiator(), row.chap(), mapping, row.createdAt());
    }
}
