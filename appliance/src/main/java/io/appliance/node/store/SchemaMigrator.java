package io.appliance.node.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema of a state database up to date. Migrations are the classpath resources
 * {@code io/appliance/node/db/migration/V1.sql}, {@code V2.sql}, ... without gaps; the first line
 * of each (an SQL comment) describes it. Each runs in its own transaction together with the row
 * it adds to {@code schema_version}, so a failed migration leaves the previous version intact.
 */
public final class SchemaMigrator {

    static final String MIGRATION_PATH = "io/appliance/node/db/migration/V%d.sql";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    private final ClassLoader classLoader;
    private final Clock clock;

    public SchemaMigrator(ClassLoader classLoader, Clock clock) {
        this.classLoader = classLoader;
        this.clock = clock;
    }

    /** A numbered migration script. */
    public record Migration(int version, String description, String sql) {
    }

    /** Every migration on the classpath, in order. */
    public List<Migration> migrations() {
        List<Migration> migrations = new ArrayList<>();
        for (int version = 1; ; version++) {
            Optional<String> sql = resource(String.format(MIGRATION_PATH, version));
            if (sql.isEmpty()) {
                return migrations;
            }
            migrations.add(new Migration(version, description(sql.get()), sql.get()));
        }
    }

    /**
     * Applies the migrations the database has not had yet.
     *
     * @return the schema version after migrating
     * @throws IllegalStateException when the database is newer than this program
     */
    public int migrate(Jdbi jdbi) {
        List<Migration> migrations = migrations();
        jdbi.useHandle(handle -> handle.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                + " version INTEGER PRIMARY KEY NOT NULL, description TEXT NOT NULL, applied_at TEXT NOT NULL)"));
        int current = currentVersion(jdbi);
        if (current > migrations.size()) {
            throw new IllegalStateException("the state database has schema version " + current
                    + " but this appliance knows only up to " + migrations.size() + "; run a newer appliance build");
        }
        for (Migration migration : migrations.subList(current, migrations.size())) {
            jdbi.useTransaction(handle -> apply(handle, migration));
            LOG.info("State database migrated to schema version {}: {}", migration.version(), migration.description());
        }
        return migrations.size();
    }

    /** The highest applied version, 0 for a new database. */
    public static int currentVersion(Jdbi jdbi) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT coalesce(max(version), 0) FROM schema_version")
                .mapTo(Integer.class).one());
    }

    private void apply(Handle handle, Migration migration) {
        handle.createScript(migration.sql()).execute();
        handle.createUpdate("INSERT INTO schema_version (version, description, applied_at) VALUES (:v, :d, :at)")
                .bind("v", migration.version())
                .bind("d", migration.description())
                .bind("at", clock.instant().toString())
                .execute();
    }

    private Optional<String> resource(String path) {
        try (InputStream in = classLoader.getResourceAsStream(path)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration " + path, e);
        }
    }

    private static String description(String sql) {
        String first = sql.lines().findFirst().orElse("").strip();
        return first.startsWith("--") ? first.substring(2).strip() : "(no description)";
    }
}
