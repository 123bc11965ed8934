package io.appliance.node.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The node's SQLite state database ({@code <stateDirectory>/appliance.db}): opened, migrated to the
 * current schema, and closed at the end of the node's life.
 *
 * <p>The file is created readable by its owner only, because it holds CHAP secrets. Connections
 * enforce foreign keys, use WAL journaling with synchronous FULL (a committed change survives a
 * power loss) and wait up to {@link #BUSY_TIMEOUT_MILLIS} for a lock. After {@link #close()} every
 * new handle fails with an {@link SQLException}.
 */
public final class StateDatabase implements AutoCloseable {

    public static final String FILE_NAME = "appliance.db";
    static final int BUSY_TIMEOUT_MILLIS = 5000;

    private final Path file;
    private final Jdbi jdbi;
    private final int schemaVersion;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StateDatabase(Path file, SQLiteDataSource dataSource, Clock clock) {
        this.file = file;
        this.jdbi = Jdbi.create(() -> {
            if (closed.get()) {
                throw new SQLException("the state database " + file + " is closed");
            }
            return dataSource.getConnection();
        });
        jdbi.installPlugin(new SqlObjectPlugin());
        this.schemaVersion = new SchemaMigrator(StateDatabase.class.getClassLoader(), clock).migrate(jdbi);
    }

    /**
     * Opens (creating it if absent) and migrates the database in {@code file}.
     *
     * @throws IOException           when the file cannot be created
     * @throws IllegalStateException when its schema is newer than this program's
     */
    public static StateDatabase open(Path file, Clock clock) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException alreadyThere) {
            // an existing database keeps the permissions it has
        }
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        return new StateDatabase(file, dataSource, clock);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Path file() {
        return file;
    }

    /** The schema version after opening. */
    public int schemaVersion() {
        return schemaVersion;
    }

    /** Refuses new handles. Idempotent. Open handles finish normally. */
    @Override
    public void close() {
        closed.set(true);
    }
}
