package io.appliance.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.ChapSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDatabaseTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path directory;

    @Test
    void aNewDatabaseIsMigratedAndOwnerOnly() throws Exception {
        Path file = directory.resolve("state/appliance.db");
        try (StateDatabase database = StateDatabase.open(file, CLOCK)) {
            assertThat(database.schemaVersion()).isEqualTo(3);
            assertThat(SchemaMigrator.currentVersion(database.jdbi())).isEqualTo(3);
            String appliedAt = database.jdbi().withHandle(h -> h.createQuery("SELECT applied_at FROM schema_version WHERE version = 1")
                    .mapTo(String.class).one());
            assertThat(appliedAt).isEqualTo("2026-11-22T10:00:00Z");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void reopeningAppliesNothingTwiceAndKeepsData() throws Exception {
        Path file = directory.resolve("appliance.db");
        try (StateDatabase database = StateDatabase.open(file, CLOCK)) {
            new NodeStore(database.jdbi(), CLOCK).insertTarget("iqn.2026-11.io.appliance:a", "a", false);
        }
        try (StateDatabase database = StateDatabase.open(file, CLOCK)) {
            int rows = database.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM schema_version").mapTo(Integer.class).one());
            assertThat(rows).isEqualTo(3);
            assertThat(new NodeStore(database.jdbi(), CLOCK).targets()).extracting(TargetRecord::name)
                    .containsExactly("iqn.2026-11.io.appliance:a");
        }
    }

    @Test
    void aDatabaseFromANewerProgramIsRefused() throws Exception {
        Path file = directory.resolve("appliance.db");
        try (StateDatabase database = StateDatabase.open(file, CLOCK)) {
            database.jdbi().useHandle(h -> h.execute("INSERT INTO schema_version VALUES (99, 'future', 'x')"));
        }
        assertThatThrownBy(() -> StateDatabase.open(file, CLOCK))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema version 99");
    }

    @Test
    void migrationsAreNumberedWithoutGapsAndDescribed() {
        var migrations = new SchemaMigrator(getClass().getClassLoader(), CLOCK).migrations();
        assertThat(migrations).isNotEmpty();
        for (int i = 0; i < migrations.size(); i++) {
            assertThat(migrations.get(i).version()).isEqualTo(i + 1);
            assertThat(migrations.get(i).description()).isNotEqualTo("(no description)");
        }
    }

    @Test
    void aClosedDatabaseRefusesNewHandles() throws Exception {
        StateDatabase database = StateDatabase.open(directory.resolve("appliance.db"), CLOCK);
        database.close();
        assertThatThrownBy(() -> new NodeStore(database.jdbi(), CLOCK).targets()).hasMessageContaining("is closed");
    }

    @Test
    void storeKeepsTargetsLunsAndAclsAndCascadesDeletes() throws Exception {
        try (StateDatabase database = StateDatabase.open(directory.resolve("appliance.db"), CLOCK)) {
            NodeStore store = new NodeStore(database.jdbi(), CLOCK);
            String target = "iqn.2026-11.io.appliance:t";
            store.insertTarget(target, "alias", true);
            assertThat(store.target("IQN.2026-11.IO.APPLIANCE:T")).isPresent();
            UUID uuid = UUID.randomUUID();
            store.insertLun(new LunRecord(target, 3, uuid, new LunBacking.File(directory.resolve("l3.img")), 1 << 20, 512, false, CLOCK.instant()));
            store.insertAcl(new AclRecord(target, "iqn.2026-11.io.appliance:c",
                    new ChapSettings("u", "secret-of-12+", "m", "mutual-secret-12"), Map.of(0, 3), CLOCK.instant()));

            assertThat(store.lunByUuid(uuid)).hasValueSatisfying(l -> assertThat(l.lun()).isEqualTo(3));
            assertThat(store.lunByBackingFile(directory.resolve("l3.img"))).isPresent();
            assertThat(store.acl(target, "IQN.2026-11.io.appliance:C")).hasValueSatisfying(acl -> {
                assertThat(acl.chap().chapSecret()).isEqualTo("secret-of-12+");
                assertThat(acl.lunMapping()).isEqualTo(Map.of(0, 3));
                assertThat(acl.toString()).doesNotContain("secret-of-12+");
            });
            assertThat(store.initiatorsMappingTo(target, 3)).containsExactly("iqn.2026-11.io.appliance:c");

            assertThat(store.replaceAcl(new AclRecord(target, "iqn.2026-11.io.appliance:c", ChapSettings.NONE, Map.of(),
                    CLOCK.instant()))).isTrue();
            assertThat(store.acl(target, "iqn.2026-11.io.appliance:c")).hasValueSatisfying(acl -> {
                assertThat(acl.chap().chapEnabled()).isFalse();
                assertThat(acl.lunMapping()).isEmpty();
            });

            assertThat(store.updateLunSize(target, 3, 2 << 20)).isTrue();
            assertThat(store.lun(target, 3)).hasValueSatisfying(l -> assertThat(l.sizeBytes()).isEqualTo(2 << 20));

            assertThat(store.deleteTarget(target)).isTrue();
            assertThat(store.luns(target)).isEmpty();
            assertThat(store.acls(target)).isEmpty();
            int mappings = database.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM acl_lun_mapping").mapTo(Integer.class).one());
            assertThat(mappings).isZero();
        }
    }

    @Test
    void theSchemaRefusesHalfCredentialsAndDanglingRows() throws Exception {
        try (StateDatabase database = StateDatabase.open(directory.resolve("appliance.db"), CLOCK)) {
            NodeStore store = new NodeStore(database.jdbi(), CLOCK);
            assertThatThrownBy(() -> store.insertLun(new LunRecord("iqn.2026-11.io.appliance:none", 0, UUID.randomUUID(),
                    new LunBacking.File(directory.resolve("x.img")), 512, 512, false, CLOCK.instant())))
                    .isInstanceOf(UnableToExecuteStatementException.class);
            store.insertTarget("iqn.2026-11.io.appliance:t", "", false);
            assertThatThrownBy(() -> store.insertAcl(new AclRecord("iqn.2026-11.io.appliance:t", "iqn.2026-11.io.appliance:c",
                    new ChapSettings("u", null, null, null), Map.of(), CLOCK.instant())))
                    .isInstanceOf(UnableToExecuteStatementException.class);
        }
    }

    @Test
    void seedingIsRememberedOnce() throws Exception {
        try (StateDatabase database = StateDatabase.open(directory.resolve("appliance.db"), CLOCK)) {
            NodeStore store = new NodeStore(database.jdbi(), CLOCK);
            assertThat(store.seeded()).isFalse();
            store.markSeeded();
            store.markSeeded();
            assertThat(store.seeded()).isTrue();
        }
    }

    /** Sees only migration V1, as a node of the first release would. */
    private static final class FirstReleaseClassLoader extends ClassLoader {
        FirstReleaseClassLoader() {
            super(StateDatabaseTest.class.getClassLoader());
        }

        @Override
        public java.io.InputStream getResourceAsStream(String name) {
            return name.endsWith("/V1.sql") ? super.getResourceAsStream(name) : null;
        }
    }

    @Test
    void aFirstReleaseDatabaseIsMigratedAndItsLunsBecomeFileLuns() throws Exception {
        Path file = directory.resolve("appliance.db");
        String target = "iqn.2026-11.io.appliance:old";
        UUID uuid = UUID.randomUUID();
        org.jdbi.v3.core.Jdbi v1 = org.jdbi.v3.core.Jdbi.create("jdbc:sqlite:" + file);
        assertThat(new SchemaMigrator(new FirstReleaseClassLoader(), CLOCK).migrate(v1)).isEqualTo(1);
        v1.useHandle(h -> {
            h.execute("INSERT INTO target (name, alias, open_access, created_at) VALUES (?, 'a', 1, '2026-01-01T00:00:00Z')", target);
            h.execute("INSERT INTO lun (target_name, lun, uuid, backing_file, size_bytes, block_size, read_only, created_at)"
                    + " VALUES (?, 2, ?, '/srv/luns/old.img', 1048576, 512, 0, '2026-01-01T00:00:00Z')", target, uuid.toString());
        });

        try (StateDatabase database = StateDatabase.open(file, CLOCK)) {
            assertThat(database.schemaVersion()).isEqualTo(3);
            NodeStore store = new NodeStore(database.jdbi(), CLOCK);
            assertThat(store.lun(target, 2)).hasValueSatisfying(lun -> {
                assertThat(lun.backing()).isEqualTo(new LunBacking.File(Path.of("/srv/luns/old.img")));
                assertThat(lun.uuid()).isEqualTo(uuid);
                assertThat(lun.sizeBytes()).isEqualTo(1 << 20);
            });
            store.insertLun(new LunRecord(target, 3, UUID.randomUUID(), new LunBacking.Volume("vg0", "lv3"), 4 << 20, 512,
                    false, CLOCK.instant()));
            assertThat(store.lunByVolume("vg0", "lv3")).hasValueSatisfying(lun -> assertThat(lun.lun()).isEqualTo(3));
            assertThat(store.lunsOnPool("vg0")).extracting(LunRecord::lun).containsExactly(3);
            assertThatThrownBy(() -> store.insertLun(new LunRecord(target, 4, UUID.randomUUID(),
                    new LunBacking.Volume("vg0", "lv3"), 4 << 20, 512, false, CLOCK.instant())))
                    .isInstanceOf(UnableToExecuteStatementException.class);
            assertThatThrownBy(() -> database.jdbi().useHandle(h -> h.execute("INSERT INTO lun (target_name, lun, uuid,"
                    + " backing_kind, backing_file, pool, volume, size_bytes, block_size, read_only, created_at)"
                    + " VALUES (?, 5, 'u5', 'volume', '/x.img', 'vg0', 'lv5', 512, 512, 0, 'now')", target)))
                    .isInstanceOf(UnableToExecuteStatementException.class);
            assertThat(store.deleteTarget(target)).isTrue();
            assertThat(store.luns(target)).isEmpty();
        }
    }
}
