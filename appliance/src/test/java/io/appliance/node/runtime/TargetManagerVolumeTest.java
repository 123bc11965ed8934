package io.appliance.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.iscsi.scsi.LogicalUnit;
import io.appliance.iscsi.scsi.ScsiTarget;
import io.appliance.node.NodeFixture;
import io.appliance.node.model.LunSpec;
import io.appliance.node.model.NodeException;
import io.appliance.node.model.TargetSpec;
import io.appliance.node.store.LunBacking;
import io.dropwizard.util.DataSize;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LUNs on logical volumes, over the in-memory {@link FakeVolumeManager}. */
class TargetManagerVolumeTest {

    private static final String TARGET = "iqn.2026-11.io.appliance:disk1";
    private static final long MIB = 1L << 20;

    @TempDir
    Path stateDirectory;

    private NodeFixture node;
    private TargetManager manager;
    private FakeVolumeManager volumes;

    @BeforeEach
    void start() throws Exception {
        node = new NodeFixture(stateDirectory);
        manager = node.manager();
        volumes = node.volumes();
        volumes.addPool("vg0", "/dev/loop3", 100 * MIB);
        manager.createTarget(new TargetSpec(TARGET, "web", true));
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private static LunSpec carve(int lun, long sizeBytes, String volumeName) {
        return new LunSpec(lun, DataSize.bytes(sizeBytes), null, false, null, null, "vg0", volumeName);
    }

    private static LunSpec existing(int lun, String volume) {
        return new LunSpec(lun, null, null, false, null, volume, null, null);
    }

    private LogicalUnit served(int lun) {
        return ((ScsiTarget) node.registry().find(TARGET).orElseThrow().device()).luns().get(lun);
    }

    @Test
    void aCarvedVolumeIsNamedAfterTheAliasRoundedToExtentsAndWritable() throws Exception {
        LunState lun = manager.createLun(TARGET, carve(1, 10 * MIB, null));

        assertThat(lun.record().backing()).isEqualTo(new LunBacking.Volume("vg0", "web-lun1"));
        assertThat(lun.record().sizeBytes()).isEqualTo(12 * MIB);
        assertThat(lun.volumeAccess()).contains("extent-map");
        assertThat(volumes.volume("vg0", "web-lun1")).isPresent();
        assertThat(manager.volume("vg0", "web-lun1").usedBy()).contains(TARGET + "/1");

        LogicalUnit unit = served(1);
        assertThat(unit.capacityBlocks()).isEqualTo(12 * MIB / 512);
        ByteBuffer block = ByteBuffer.wrap("volume!!".repeat(64).getBytes(StandardCharsets.US_ASCII));
        unit.device().write(8192, block, true).get(10, TimeUnit.SECONDS);
        ByteBuffer back = ByteBuffer.allocate(512);
        unit.device().read(8192, back).get(10, TimeUnit.SECONDS);
        assertThat(new String(back.array(), 0, 8, StandardCharsets.US_ASCII)).isEqualTo("volume!!");
    }

    @Test
    void anExistingVolumeMadeByHandCanBackALun() {
        volumes.createVolume("vg0", "byhand", 8 * MIB);

        LunState lun = manager.createLun(TARGET, existing(0, "vg0/byhand"));

        assertThat(lun.record().sizeBytes()).isEqualTo(8 * MIB);
        assertThat(served(0).capacityBlocks()).isEqualTo(8 * MIB / 512);
        assertThatThrownBy(() -> manager.createLun(TARGET, existing(1, "vg0/byhand")))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("is used by LUN 0");
        assertThatThrownBy(() -> manager.createLun(TARGET, existing(2, "vg0/none")))
                .isInstanceOf(NodeException.InvalidFields.class).hasMessageContaining("field 'volume'");
        assertThatThrownBy(() -> manager.createLun(TARGET, existing(2, "vg9/none")))
                .isInstanceOf(NodeException.InvalidFields.class).hasMessageContaining("no pool vg9");
        volumes.createVolume("vg0", "other", 8 * MIB);
        assertThatThrownBy(() -> manager.createLun(TARGET,
                new LunSpec(3, DataSize.mebibytes(4), null, false, null, "vg0/other", null, null)))
                .isInstanceOf(NodeException.InvalidFields.class).hasMessageContaining("field 'size'");
    }

    @Test
    void aCarvedVolumeIsRemovedAgainWhenTheLunCannotBeOpened() {
        volumes.failNextOpen(new NodeException.StorageFailure("cannot open volume vg0/web-lun4: injected", null));

        assertThatThrownBy(() -> manager.createLun(TARGET, carve(4, 4 * MIB, null)))
                .isInstanceOf(NodeException.StorageFailure.class).hasMessageContaining("injected");

        assertThat(volumes.volume("vg0", "web-lun4")).isEmpty();
        assertThat(volumes.commands()).containsExactly("lvcreate vg0/web-lun4", "lvremove vg0/web-lun4");
        assertThat(manager.luns(TARGET)).isEmpty();
        assertThat(((ScsiTarget) node.registry().find(TARGET).orElseThrow().device()).luns()).isEmpty();
    }

    @Test
    void anExistingVolumeIsKeptWhenTheLunCannotBeOpened() {
        volumes.createVolume("vg0", "kept", 4 * MIB);
        volumes.failNextOpen(new NodeException.ToolFailure("lvs failed", null));

        assertThatThrownBy(() -> manager.createLun(TARGET, existing(0, "vg0/kept"))).isInstanceOf(NodeException.ToolFailure.class);

        assertThat(volumes.volume("vg0", "kept")).isPresent();
        assertThat(manager.luns(TARGET)).isEmpty();
    }

    @Test
    void aCarveLargerThanThePoolIsRefusedAndLeavesNothing() {
        assertThatThrownBy(() -> manager.createLun(TARGET, carve(0, 200 * MIB, "big")))
                .isInstanceOf(NodeException.InsufficientSpace.class);
        assertThat(volumes.volume("vg0", "big")).isEmpty();
        assertThat(manager.luns(TARGET)).isEmpty();
        assertThatThrownBy(() -> manager.createLun(TARGET, new LunSpec(0, DataSize.mebibytes(4), null, false, null, null,
                "vg9", null))).isInstanceOf(NodeException.InvalidFields.class).hasMessageContaining("field 'pool'");
    }

    @Test
    void extendingTheVolumeGrowsTheLunOnline() {
        manager.createLun(TARGET, carve(0, 4 * MIB, "data"));
        LogicalUnit unit = served(0);

        VolumeState extended = manager.extendVolume("vg0", "data", 10 * MIB);

        assertThat(extended.volume().sizeBytes()).isEqualTo(12 * MIB);
        assertThat(unit.capacityBlocks()).isEqualTo(12 * MIB / 512);
        assertThat(manager.lun(TARGET, 0).record().sizeBytes()).isEqualTo(12 * MIB);

        LunState grown = manager.growLun(TARGET, 0, 16 * MIB);
        assertThat(grown.record().sizeBytes()).isEqualTo(16 * MIB);
        assertThat(volumes.volume("vg0", "data").orElseThrow().sizeBytes()).isEqualTo(16 * MIB);
        assertThat(unit.capacityBlocks()).isEqualTo(16 * MIB / 512);
        assertThatThrownBy(() -> manager.extendVolume("vg0", "data", 4 * MIB))
                .isInstanceOf(NodeException.InvalidFields.class).hasMessageContaining("can only grow");
    }

    @Test
    void aVolumeThatBacksALunCannotBeRenamedOrRemoved() {
        manager.createLun(TARGET, carve(0, 4 * MIB, "data"));

        assertThatThrownBy(() -> manager.renameVolume("vg0", "data", "other"))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("backs LUN 0");
        assertThatThrownBy(() -> manager.removeVolume("vg0", "data"))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("delete that LUN first");
        assertThat(volumes.volume("vg0", "data")).isPresent();

        manager.deleteLun(TARGET, 0, false);
        assertThat(volumes.volume("vg0", "data")).isPresent();
        assertThat(manager.renameVolume("vg0", "data", "other").volume().name()).isEqualTo("other");
        manager.removeVolume("vg0", "other");
        assertThat(volumes.volume("vg0", "other")).isEmpty();
    }

    @Test
    void deletingTheLunWithItsBackingRemovesTheVolume() {
        manager.createLun(TARGET, carve(0, 4 * MIB, "gone"));

        manager.deleteLun(TARGET, 0, true);

        assertThat(volumes.volume("vg0", "gone")).isEmpty();
        assertThat(manager.luns(TARGET)).isEmpty();
    }

    @Test
    void aLunWhoseVolumeVanishedIsOfflineAfterARestartAndServedAgainWhenBack() throws Exception {
        manager.createLun(TARGET, carve(0, 4 * MIB, "data"));
        manager.createLun(TARGET, carve(1, 4 * MIB, "lost"));
        node.restart();
        assertThat(node.manager().lun(TARGET, 0).online()).isTrue();
        node.manager().close();
        volumes.removeByHand("vg0", "lost");
        node.restart();

        LunState offline = node.manager().lun(TARGET, 1);
        assertThat(offline.online()).isFalse();
        assertThat(offline.problem()).hasValueSatisfying(p -> assertThat(p).contains("volume vg0/lost is missing"));
        assertThat(node.manager().lun(TARGET, 0).online()).isTrue();
        assertThat(((ScsiTarget) node.registry().find(TARGET).orElseThrow().device()).luns()).containsOnlyKeys(0);
        assertThat(node.manager().offlineLuns()).singleElement().asString().contains("LUN 1 of " + TARGET);
    }

    @Test
    void poolsAreCreatedOnceAndListed() {
        manager.createPool("vg1", java.util.List.of("/dev/loop5"), 0);

        assertThat(manager.pools()).extracting(g -> g.name()).containsExactly("vg0", "vg1");
        assertThatThrownBy(() -> manager.createPool("vg1", java.util.List.of("/dev/loop6"), 0))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("pool vg1 exists");
        assertThat(manager.extendPool("vg1", java.util.List.of("/dev/loop6")).physicalVolumes())
                .containsExactly("/dev/loop5", "/dev/loop6");
        assertThatThrownBy(() -> manager.pool("vg9")).isInstanceOf(NodeException.Unknown.class);
    }
}
