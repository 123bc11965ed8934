package io.appliance.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.iscsi.scsi.ScsiTarget;
import io.appliance.iscsi.target.AccessControlEntry;
import io.appliance.iscsi.target.ChapCredentials;
import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.node.NodeFixture;
import io.appliance.node.model.AclSpec;
import io.appliance.node.model.LunSpec;
import io.appliance.node.model.NodeException;
import io.appliance.node.model.TargetSpec;
import io.appliance.node.store.NodeStore;
import io.dropwizard.util.DataSize;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetManagerTest {

    private static final String TARGET = "iqn.2026-11.io.appliance:disk1";
    private static final String INITIATOR = "iqn.2026-11.io.appliance:client1";

    @TempDir
    Path stateDirectory;

    private NodeFixture node;
    private TargetManager manager;

    @BeforeEach
    void start() throws Exception {
        node = new NodeFixture(stateDirectory);
        manager = node.manager();
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void aNewTargetIsPublishedAtOnce() {
        TargetState created = manager.createTarget(new TargetSpec(TARGET, "first", false));

        assertThat(created.record().alias()).isEqualTo("first");
        IscsiTarget published = node.registry().find(TARGET).orElseThrow();
        assertThat(published.alias()).isEqualTo("first");
        assertThat(published.portals()).isEqualTo(NodeFixture.PORTALS);
        assertThat(published.openAccess()).isFalse();
        assertThat(published.admit(INITIATOR)).isEmpty();
    }

    @Test
    void aDuplicateTargetIsAConflictWhateverTheCase() {
        manager.createTarget(new TargetSpec(TARGET, "", false));
        assertThatThrownBy(() -> manager.createTarget(new TargetSpec(TARGET.toUpperCase(), "", false)))
                .isInstanceOf(NodeException.Conflict.class)
                .hasMessageContaining("exists");
    }

    @Test
    void aNewLunGetsASparseFileAndIsPresentedAndWritable() throws Exception {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        LunState lun = manager.createLun(TARGET, new LunSpec(0, DataSize.mebibytes(64), null, false, null));

        Path file = stateDirectory.resolve("luns/disk1-lun0.img");
        assertThat(filePath(lun.record())).isEqualTo(file.toAbsolutePath());
        assertThat(Files.size(file)).isEqualTo(64L << 20);
        assertThat(lun.online()).isTrue();
        assertThat(lun.identity().unitSerialNumber()).isEqualTo(lun.record().uuid().toString().replace("-", ""));
        ScsiTarget scsi = (ScsiTarget) node.registry().find(TARGET).orElseThrow().device();
        assertThat(scsi.luns()).containsOnlyKeys(0);
        var device = scsi.luns().get(0).device();
        device.write(4096, ByteBuffer.wrap("hello".repeat(512).substring(0, 512).getBytes(StandardCharsets.US_ASCII)), true)
                .get(10, TimeUnit.SECONDS);
        ByteBuffer back = ByteBuffer.allocate(512);
        device.read(4096, back).get(10, TimeUnit.SECONDS);
        assertThat(new String(back.array(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
    }

    @Test
    void aLunWhoseFileCannotBeCreatedLeavesNothingBehind() throws Exception {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        Files.writeString(stateDirectory.resolve("blocker"), "a file where a directory is needed");

        assertThatThrownBy(() -> manager.createLun(TARGET, new LunSpec(1, DataSize.mebibytes(1), "blocker/lun1.img", false, null)))
                .isInstanceOf(NodeException.StorageFailure.class)
                .hasMessageStartingWith("field 'backingFile': cannot create");
        assertThat(manager.luns(TARGET)).isEmpty();
        ScsiTarget scsi = (ScsiTarget) node.registry().find(TARGET).orElseThrow().device();
        assertThat(scsi.luns()).isEmpty();
    }

    @Test
    void conflictsAreRefusedBeforeTouchingFiles() throws Exception {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        UUID uuid = UUID.randomUUID();
        manager.createLun(TARGET, new LunSpec(0, DataSize.mebibytes(1), "luns/a.img", false, uuid));

        assertThatThrownBy(() -> manager.createLun(TARGET, new LunSpec(0, DataSize.mebibytes(1), "luns/b.img", false, null)))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("already has LUN 0");
        assertThatThrownBy(() -> manager.createLun(TARGET, new LunSpec(1, DataSize.mebibytes(1), "luns/c.img", false, uuid)))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("uuid");
        assertThatThrownBy(() -> manager.createLun(TARGET, new LunSpec(1, DataSize.mebibytes(1), "luns/./a.img", false, null)))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("is used by LUN 0");
        assertThat(stateDirectory.resolve("luns/b.img")).doesNotExist();
        assertThat(stateDirectory.resolve("luns/c.img")).doesNotExist();
        assertThatThrownBy(() -> manager.createLun("iqn.2026-11.io.appliance:none", new LunSpec(0, DataSize.mebibytes(1), null, false, null)))
                .isInstanceOf(NodeException.Unknown.class);
    }

    @Test
    void anExistingFileIsAdoptedOnlyWithTheSameSize() throws Exception {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        Path existing = Files.createDirectories(stateDirectory.resolve("luns")).resolve("kept.img");
        Files.write(existing, new byte[1 << 20]);

        assertThatThrownBy(() -> manager.createLun(TARGET, new LunSpec(0, DataSize.mebibytes(2), "luns/kept.img", false, null)))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("exists with 1048576 bytes");
        assertThat(Files.size(existing)).isEqualTo(1 << 20);
        LunState adopted = manager.createLun(TARGET, new LunSpec(0, DataSize.mebibytes(1), "luns/kept.img", false, null));
        assertThat(adopted.record().sizeBytes()).isEqualTo(1 << 20);
    }

    @Test
    void growingALunGrowsItsFileAndCapacity() throws Exception {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        manager.createLun(TARGET, new LunSpec(0, DataSize.mebibytes(1), null, false, null));

        LunState grown = manager.growLun(TARGET, 0, 4L << 20);

        assertThat(grown.record().sizeBytes()).isEqualTo(4L << 20);
        assertThat(Files.size(filePath(grown.record()))).isEqualTo(4L << 20);
        ScsiTarget scsi = (ScsiTarget) node.registry().find(TARGET).orElseThrow().device();
        assertThat(scsi.luns().get(0).capacityBlocks()).isEqualTo((4L << 20) / 512);
        assertThatThrownBy(() -> manager.growLun(TARGET, 0, 1L << 20))
                .isInstanceOf(NodeException.InvalidFields.class).hasMessageContaining("field 'size': can only grow");
    }

    @Test
    void aclsArePublishedWithCredentialsAndMapping() {
        manager.createTarget(new TargetSpec(TARGET, "", false));
        manager.createLun(TARGET, new LunSpec(3, DataSize.mebibytes(1), null, false, null));
        manager.createAcl(TARGET, new AclSpec(INITIATOR, "client1", "secret-of-12+chars", "target1", "mutual-secret-12", Map.of(0, 3)));

        AccessControlEntry entry = node.registry().find(TARGET).orElseThrow().admit(INITIATOR.toUpperCase()).orElseThrow();
        assertThat(entry.chap()).contains(new ChapCredentials("client1", "secret-of-12+chars"));
        assertThat(entry.mutualChap()).contains(new ChapCredentials("target1", "mutual-secret-12"));
        assertThat(entry.lunMapping()).isEqualTo(Map.of(0, 3));

        manager.replaceAcl(TARGET, new AclSpec(INITIATOR, null, null, null, null, null));
        AccessControlEntry changed = node.registry().find(TARGET).orElseThrow().admit(INITIATOR).orElseThrow();
        assertThat(changed.chap()).isEmpty();
        assertThat(changed.lunMapping()).isEmpty();

        manager.deleteAcl(TARGET, INITIATOR);
        assertThat(node.registry().find(TARGET).orElseThrow().admit(INITIATOR)).isEmpty();
    }

    @Test
    void aclRulesAreChecked() {
        manager.createTarget(new TargetSpec(TARGET, "", false));
        manager.createLun(TARGET, new LunSpec(0, DataSize.mebibytes(1), null, false, null));
        assertThatThrownBy(() -> manager.createAcl(TARGET, new AclSpec(INITIATOR, null, null, null, null, Map.of(0, 5))))
                .isInstanceOf(NodeException.InvalidFields.class).hasMessageContaining("field 'luns'");
        manager.createAcl(TARGET, new AclSpec(INITIATOR, null, null, null, null, Map.of(0, 0)));
        assertThatThrownBy(() -> manager.createAcl(TARGET, new AclSpec(INITIATOR, null, null, null, null, null)))
                .isInstanceOf(NodeException.Conflict.class);
        assertThatThrownBy(() -> manager.deleteLun(TARGET, 0, false))
                .isInstanceOf(NodeException.Conflict.class).hasMessageContaining("mapped by the ACL of " + INITIATOR);
        assertThatThrownBy(() -> manager.deleteAcl(TARGET, "iqn.2026-11.io.appliance:other"))
                .isInstanceOf(NodeException.Unknown.class);
    }

    @Test
    void deletingALunWithdrawsItAndOptionallyItsFile() throws Exception {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        LunState kept = manager.createLun(TARGET, new LunSpec(0, DataSize.mebibytes(1), null, false, null));
        LunState removed = manager.createLun(TARGET, new LunSpec(1, DataSize.mebibytes(1), null, false, null));

        manager.deleteLun(TARGET, 0, false);
        manager.deleteLun(TARGET, 1, true);

        ScsiTarget scsi = (ScsiTarget) node.registry().find(TARGET).orElseThrow().device();
        assertThat(scsi.luns()).isEmpty();
        assertThat(manager.luns(TARGET)).isEmpty();
        assertThat(filePath(kept.record())).exists();
        assertThat(filePath(removed.record())).doesNotExist();
    }

    @Test
    void deletingATargetRemovesItFromTheRegistryFirstAndKeepsFiles() {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        LunState lun = manager.createLun(TARGET, new LunSpec(0, DataSize.mebibytes(1), null, false, null));
        ScsiTarget scsi = (ScsiTarget) node.registry().find(TARGET).orElseThrow().device();

        manager.deleteTarget(TARGET);

        assertThat(node.registry().find(TARGET)).isEmpty();
        assertThat(scsi.luns()).isEmpty();
        assertThat(manager.targets()).isEmpty();
        assertThat(filePath(lun.record())).exists();
        assertThatThrownBy(() -> manager.target(TARGET)).isInstanceOf(NodeException.Unknown.class);
    }

    @Test
    void aRestartServesTheSameLunsWithTheSameIdentity() throws Exception {
        manager.createTarget(new TargetSpec(TARGET, "kept", false));
        UUID uuid = UUID.fromString("5f0c1d2e-3a4b-4c5d-8e6f-708192a3b4c5");
        LunState before = manager.createLun(TARGET, new LunSpec(2, DataSize.mebibytes(1), null, true, uuid));
        manager.createAcl(TARGET, new AclSpec(INITIATOR, "client1", "secret-of-12+chars", null, null, null));

        node.restart();

        TargetManager restarted = node.manager();
        LunState after = restarted.lun(TARGET, 2);
        assertThat(after.online()).isTrue();
        assertThat(after.identity()).isEqualTo(before.identity());
        assertThat(after.record().readOnly()).isTrue();
        IscsiTarget published = node.registry().find(TARGET).orElseThrow();
        assertThat(published.alias()).isEqualTo("kept");
        assertThat(((ScsiTarget) published.device()).luns().get(2).readOnly()).isTrue();
        assertThat(published.admit(INITIATOR)).isPresent();
    }

    @Test
    void aLunWhoseFileVanishedIsOfflineAfterARestart() throws Exception {
        manager.createTarget(new TargetSpec(TARGET, "", true));
        LunState lun = manager.createLun(TARGET, new LunSpec(0, DataSize.mebibytes(1), null, false, null));
        node.restart();
        node.manager().close();
        Files.delete(filePath(lun.record()));
        node.restart();

        LunState offline = node.manager().lun(TARGET, 0);
        assertThat(offline.online()).isFalse();
        assertThat(offline.problem()).hasValueSatisfying(p -> assertThat(p).contains("missing"));
        assertThat(node.manager().offlineLuns()).singleElement().asString().contains("LUN 0 of " + TARGET);
        assertThat(((ScsiTarget) node.registry().find(TARGET).orElseThrow().device()).luns()).isEmpty();
        node.manager().deleteLun(TARGET, 0, false);
        assertThat(node.manager().offlineLuns()).isEmpty();
    }

    @Test
    void seedIsNeededOnlyOnce() {
        assertThat(manager.needsSeed()).isTrue();
        manager.markSeeded();
        assertThat(manager.needsSeed()).isFalse();
        assertThat(new NodeStore(node.database().jdbi(), NodeFixture.CLOCK).seeded()).isTrue();
    }

    private static Path filePath(io.appliance.node.store.LunRecord record) {
        return ((io.appliance.node.store.LunBacking.File) record.backing()).path();
    }
}
