package io.appliance.node;

import io.appliance.iscsi.target.Portal;
import io.appliance.iscsi.target.TargetRegistry;
import io.appliance.node.runtime.FakeVolumeManager;
import io.appliance.node.runtime.NodeLayout;
import io.appliance.node.runtime.PortalGroup;
import io.appliance.node.runtime.TargetManager;
import io.appliance.node.store.NodeStore;
import io.appliance.node.store.StateDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A node's state without the network: a state database in a temporary directory, a registry, LUN
 * I/O threads, an in-memory LVM ({@link FakeVolumeManager}) and a started {@link TargetManager}. {@link #restart()} simulates a node restart on
 * the same state directory.
 */
public final class NodeFixture implements AutoCloseable {

    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    public static final List<Portal> PORTALS = List.of(new Portal("127.0.0.1", 3260));

    private final NodeLayout layout;
    private final ExecutorService ioExecutor = Executors.newFixedThreadPool(2);
    private final FakeVolumeManager volumes;
    private StateDatabase database;
    private TargetRegistry registry;
    private TargetManager manager;

    public NodeFixture(Path stateDirectory) throws IOException {
        this.layout = new NodeLayout(stateDirectory);
        this.volumes = new FakeVolumeManager(stateDirectory.resolve("fake-lvm"), ioExecutor);
        open();
    }

    private void open() throws IOException {
        database = StateDatabase.open(layout.databaseFile(), CLOCK);
        registry = new TargetRegistry();
        manager = new TargetManager(new NodeStore(database.jdbi(), CLOCK), registry, layout, ioExecutor, volumes, CLOCK,
                new PortalGroup() {
                    @Override
                    public int tag() {
                        return 1;
                    }

                    @Override
                    public List<Portal> portals() {
                        return PORTALS;
                    }
                });
        manager.start();
    }

    /** Closes the manager and database and opens them again on the same directory. */
    public void restart() throws IOException {
        manager.close();
        database.close();
        open();
    }

    public TargetManager manager() {
        return manager;
    }

    /** The in-memory pools and volumes the manager uses; they survive {@link #restart()}. */
    public FakeVolumeManager volumes() {
        return volumes;
    }

    public TargetRegistry registry() {
        return registry;
    }

    public StateDatabase database() {
        return database;
    }

    @Override
    public void close() throws InterruptedException {
        manager.close();
        database.close();
        ioExecutor.shutdown();
        if (!ioExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("LUN I/O threads did not stop");
        }
    }
}
