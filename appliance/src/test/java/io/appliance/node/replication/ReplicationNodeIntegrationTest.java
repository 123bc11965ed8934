package io.appliance.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.block.BlockDeviceNotReadyException;
import io.appliance.iscsi.scsi.ScsiTarget;
import io.appliance.iscsi.target.Portal;
import io.appliance.iscsi.target.TargetRegistry;
import io.appliance.node.NodeFixture;
import io.appliance.node.model.LunSpec;
import io.appliance.node.model.TargetSpec;
import io.appliance.node.runtime.FakeVolumeManager;
import io.appliance.node.runtime.NodeLayout;
import io.appliance.node.runtime.PortalGroup;
import io.appliance.node.runtime.TargetManager;
import io.appliance.node.store.NodeStore;
import io.appliance.node.store.StateDatabase;
import io.appliance.replication.ReplicatedResource;
import io.appliance.replication.ReplicationException;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.Role;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manager over a real replication engine on a temporary file, and a LUN served on its device. */
class ReplicationNodeIntegrationTest {

    private static final String TARGET = "iqn.2026-11.io.appliance:r0";

    @TempDir
    Path stateDirectory;

    private SingleNodeReplication replication;
    private StateDatabase database;
    private TargetRegistry registry;
    private TargetManager targets;

    @BeforeEach
    void start() throws Exception {
        replication = new SingleNodeReplication(stateDirectory, true);
        database = StateDatabase.open(new NodeLayout(stateDirectory).databaseFile(), NodeFixture.CLOCK);
        registry = new TargetRegistry();
        targets = new TargetManager(new NodeStore(database.jdbi(), NodeFixture.CLOCK), registry, new NodeLayout(stateDirectory),
                replication.ioExecutor, new FakeVolumeManager(stateDirectory.resolve("lvm"), replication.ioExecutor),
                NodeFixture.CLOCK, new PortalGroup() {
                    @Override
                    public int tag() {
                        return 1;
                    }

                    @Override
                    public List<Portal> portals() {
                        return NodeFixture.PORTALS;
                    }
                }, replication.manager);
        targets.start();
    }

    @AfterEach
    void stop() throws Exception {
        targets.close();
        database.close();
        replication.close();
    }

    @Test
    void theSizeOptionCreatesTheBackingFileAndAutoUpWaitsForMetadata() throws Exception {
        assertThat(Files.size(replication.disk)).isEqualTo(SingleNodeReplication.DISK_BYTES);
        ReplicatedResource r0 = replication.manager.resource("r0").orElseThrow();
        assertThat(r0.definition().requireHost("node1").disk()).isEqualTo(replication.disk.toString());

        assertThat(r0.status().disk()).isEqualTo(DiskState.DISKLESS);
        assertThatThrownBy(() -> r0.primary(true)).isInstanceOf(ReplicationException.class);
    }

    @Test
    void aLunOnTheResourceIsNotReadyWhileSecondaryAndWorksAfterPrimaryForce() throws Exception {
        ReplicatedResource r0 = replication.manager.resource("r0").orElseThrow();
        r0.createMetadata(false);
        r0.up();
        targets.createTarget(new TargetSpec(TARGET, "", true));
        targets.createLun(TARGET, new LunSpec(0, null, null, false, UUID.randomUUID(), null, null, null, "r0"));
        BlockDevice served = ((ScsiTarget) registry.find(TARGET).orElseThrow().device()).luns().get(0).device();
        assertThat(served.size()).isPositive().isEqualTo(r0.device().size());

        assertThat(r0.status().role()).isEqualTo(Role.SECONDARY);
        assertThatThrownBy(() -> served.read(0, ByteBuffer.allocate(4096)).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(BlockDeviceNotReadyException.class);

        r0.primary(true);
        assertThat(r0.status().role()).isEqualTo(Role.PRIMARY);
        assertThat(r0.status().disk()).isEqualTo(DiskState.UP_TO_DATE);
        ByteBuffer written = ByteBuffer.allocate(4096);
        for (int i = 0; i < 4096; i++) {
            written.put(i, (byte) (i * 31));
        }
        served.write(8192, written.duplicate(), true).get(10, TimeUnit.SECONDS);
        ByteBuffer back = ByteBuffer.allocate(4096);
        served.read(8192, back).get(10, TimeUnit.SECONDS);
        assertThat(back.array()).isEqualTo(written.array());

        targets.deleteLun(TARGET, 0, false);
        ByteBuffer stillServed = ByteBuffer.allocate(4096);
        r0.device().read(8192, stillServed).get(10, TimeUnit.SECONDS);
        assertThat(stillServed.array()).isEqualTo(written.array());
        r0.secondary();
    }
}
