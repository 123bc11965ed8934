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
import io.appliance.node.model.NodeException;
import io.appliance.node.model.TargetSpec;
import io.appliance.node.runtime.FakeVolumeManager;
import io.appliance.node.runtime.LunState;
import io.appliance.node.runtime.NodeLayout;
import io.appliance.node.runtime.PortalGroup;
import io.appliance.node.runtime.TargetManager;
import io.appliance.node.store.LunBacking;
import io.appliance.node.store.NodeStore;
import io.appliance.node.store.StateDatabase;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LUNs on replicated disks in the {@link TargetManager}, with a scripted replicated device (the
 * engine's own device is exercised in {@link ReplicationNodeIntegrationTest}).
 */
class ReplicatedLunTest {

    private static final String TARGET = "iqn.2026-11.io.appliance:r0";
    private static final long SIZE = 4L << 20;

    @TempDir
    Path stateDirectory;

    private final ExecutorService ioExecutor = Executors.newFixedThreadPool(2);
    private final Map<String, ScriptedDevice> disks = new HashMap<>();
    private StateDatabase database;
    private TargetRegistry registry;
    private TargetManager manager;

    @BeforeEach
    void start() throws IOException {
        disks.put("r0", new ScriptedDevice(SIZE));
        open();
    }

    private void open() throws IOException {
        database = StateDatabase.open(new NodeLayout(stateDirectory).databaseFile(), NodeFixture.CLOCK);
        registry = new TargetRegistry();
        ReplicatedDisks replicated = (resource, sizeWhileUnknown) -> Optional.ofNullable(disks.get(resource))
                .map(device -> new BorrowedDevice(device, sizeWhileUnknown));
        manager = new TargetManager(new NodeStore(database.jdbi(), NodeFixture.CLOCK), registry, new NodeLayout(stateDirectory),
                ioExecutor, new FakeVolumeManager(stateDirectory.resolve("lvm"), ioExecutor), NodeFixture.CLOCK,
                new PortalGroup() {
                    @Override
                    public int tag() {
                        return 1;
                    }

                    @Override
                    public List<Portal> portals() {
                        return NodeFixture.PORTALS;
                    }
                }, replicated);
        manager.start();
    }

    private void restart() throws IOException {
        manager.close();
        database.close();
        open();
    }

    @AfterEach
    void stop() throws InterruptedException {
        manager.close();
        database.close();
        ioExecutor.shutdown();
        assertThat(ioExecutor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aLunServesTheResourcesDeviceAtItsSizeAndIsNotReadyUntilPrimary() throws Exception {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        LunState lun = manager.createLun(TARGET, replicatedLun(0, "r0"));

        assertThat(lun.record().backing()).isEqualTo(new LunBacking.Replicated("r0"));
        assertThat(lun.record().sizeBytes()).isEqualTo(SIZE);
        BlockDevice served = scsiDevice(0);
        assertThatThrownBy(() -> served.read(0, ByteBuffer.allocate(512)).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(BlockDeviceNotReadyException.class);

        disks.get("r0").primary = true;
        served.write(0, ByteBuffer.wrap(new byte[512]).put(0, (byte) 7), false).get(5, TimeUnit.SECONDS);
        ByteBuffer back = ByteBuffer.allocate(512);
        served.read(0, back).get(5, TimeUnit.SECONDS);
        assertThat(back.get(0)).isEqualTo((byte) 7);
    }

    @Test
    void deletingTheLunLeavesTheResourcesDeviceOpen() {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        manager.createLun(TARGET, replicatedLun(0, "r0"));

        manager.deleteLun(TARGET, 0, false);
        manager.close();

        assertThat(disks.get("r0").closed).isFalse();
    }

    @Test
    void aStoredLunIsServedAfterARestartEvenWhileTheResourceDoesNotKnowItsSize() throws IOException {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        manager.createLun(TARGET, replicatedLun(0, "r0"));
        disks.get("r0").size = 0;

        restart();

        assertThat(manager.lun(TARGET, 0).online()).isTrue();
        assertThat(scsiDevice(0).size()).isEqualTo(SIZE);
        assertThat(manager.lun(TARGET, 0).record().sizeBytes()).isEqualTo(SIZE);
    }

    @Test
    void aGrownReplicatedDiskGrowsItsLunsRecordedSize() {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        manager.createLun(TARGET, replicatedLun(0, "r0"));
        disks.get("r0").size = 2 * SIZE;

        manager.replicatedDiskResized("r0");

        assertThat(scsiDevice(0).size()).isEqualTo(2 * SIZE);
        assertThat(manager.lun(TARGET, 0).record().sizeBytes()).isEqualTo(2 * SIZE);
        manager.replicatedDiskResized("other");
        assertThat(manager.lun(TARGET, 0).record().sizeBytes()).isEqualTo(2 * SIZE);
    }

    @Test
    void aStoredLunOnAResourceNoLongerDefinedIsOffline() throws IOException {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        manager.createLun(TARGET, replicatedLun(0, "r0"));
        disks.remove("r0");

        restart();

        assertThat(manager.lun(TARGET, 0).problem()).contains("replicated disk r0 is not defined on this node");
    }

    @Test
    void refusals() {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        assertThatThrownBy(() -> manager.createLun(TARGET, replicatedLun(0, "r9")))
                .isInstanceOf(NodeException.InvalidFields.class).hasMessageContaining("replicatedDisk")
                .hasMessageContaining("no replicated disk r9");
        manager.createLun(TARGET, replicatedLun(0, "r0"));
        assertThatThrownBy(() -> manager.createLun(TARGET, replicatedLun(1, "r0")))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("is served by LUN 0");
        assertThatThrownBy(() -> manager.growLun(TARGET, 0, SIZE * 2))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("replication resize r0");
        disks.put("r1", new ScriptedDevice(0));
        assertThatThrownBy(() -> manager.createLun(TARGET, replicatedLun(2, "r1")))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("bring it up first");
    }

    private static LunSpec replicatedLun(int lun, String resource) {
        return new LunSpec(lun, null, null, false, UUID.randomUUID(), null, null, null, resource);
    }

    private BlockDevice scsiDevice(int lun) {
        ScsiTarget scsi = (ScsiTarget) registry.find(TARGET).orElseThrow().device();
        return scsi.luns().get(lun).device();
    }

    /** A replicated device as the engine presents it: NOT READY until promoted; in memory. */
    static final class ScriptedDevice implements BlockDevice {
        volatile long size;
        volatile boolean primary;
        volatile boolean closed;
        private final byte[] data;

        ScriptedDevice(long size) {
            this.size = size;
            this.data = new byte[(int) Math.max(size, 512)];
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public int blockSize() {
            return 512;
        }

        @Override
        public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
            if (!primary) {
                return CompletableFuture.failedFuture(new BlockDeviceNotReadyException("r0 is Secondary"));
            }
            dst.put(data, (int) offset, dst.remaining());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
            if (!primary) {
                return CompletableFuture.failedFuture(new BlockDeviceNotReadyException("r0 is Secondary"));
            }
            src.get(data, (int) offset, src.remaining());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> flush() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> discard(long offset, long length) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean discardZeroes() {
            return false;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
