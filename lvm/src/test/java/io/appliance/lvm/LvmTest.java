package io.appliance.lvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.appliance.lvm.LvmException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The facade against real lvm2 output replayed by {@link ScriptedCommandRunner}. */
class LvmTest {

    private static final String VG = "aplvmtestfxvg";
    private static final Duration TIMEOUT = Duration.ofSeconds(42);
    private static final List<String> REPORT = List.of("--reportformat", "json", "--units", "b", "--nosuffix", "-o");

    private final ScriptedCommandRunner runner = new ScriptedCommandRunner();
    private final FakeDevices devices = new FakeDevices("/dev/loop0", "/dev/loop1", "/dev/loop2", "/dev/loop3");
    private final Lvm lvm = new Lvm(runner, TIMEOUT, devices);

    @AfterEach
    void everyExpectedCommandRan() {
        runner.assertAllRun();
    }

    // --- device-mapper probe and argv ---

    @Test
    void withoutDeviceMapperEveryCommandRunsWithDriverNotLoaded() throws LvmException {
        runner.expectNoDeviceMapper()
                .expect(vgs(VG), "vgs_one")
                .expect(noDm("lvcreate", "-an", "-Zn", "-y", "-l", "5", "-n", "lv1", VG), "lvcreate_lv1")
                .expect(lvs(VG + "/lv1"), "lvs_lv1_created");

        LogicalVolume created = lvm.createVolume(VG, "lv1", 5L << 22);

        assertThat(lvm.deviceMapperAvailable()).isFalse();
        assertThat(created.sizeBytes()).isEqualTo(20L << 20);
        assertThat(created.segments()).containsExactly(new Segment(0, 5, "/dev/loop0", 0));
        assertThat(runner.timeouts()).containsOnly(TIMEOUT);
    }

    @Test
    void withDeviceMapperCommandsActivateAndZeroAsUsual() throws LvmException {
        List<String> vgs = new ArrayList<>(List.of("vgs"));
        vgs.addAll(REPORT);
        vgs.addAll(List.of(Vgs.COLUMNS, VG));
        List<String> lvs = new ArrayList<>(List.of("lvs"));
        lvs.addAll(REPORT);
        lvs.addAll(List.of(Lvs.COLUMNS, VG + "/lv1"));
        runner.expectDeviceMapper()
                .expect(vgs, "vgs_one")
                .expect(List.of("lvcreate", "-y", "-l", "5", "-n", "lv1", VG), "lvcreate_lv1")
                .expect(lvs, "lvs_lv1_created");

        lvm.createVolume(VG, "lv1", 20L << 20);

        assertThat(lvm.deviceMapperAvailable()).isTrue();
    }

    @Test
    void probesDeviceMapperOnce() {
        runner.expectNoDeviceMapper();

        assertThat(lvm.deviceMapperAvailable()).isFalse();
        assertThat(lvm.deviceMapperAvailable()).isFalse();
        assertThat(runner.commandsRun()).hasSize(1);
    }

    @Test
    void missingDmsetupMeansNoDeviceMapper() {
        runner.expectFailure(List.of("dmsetup", "version"), new LvmException(Reason.TOOL_MISSING, "no dmsetup"));

        assertThat(lvm.deviceMapperAvailable()).isFalse();
    }

    // --- pools ---

    @Test
    void createsPoolOverTwoNewDevices() throws LvmException {
        runner.expectNoDeviceMapper()
                .expect(vgs(VG), "vgs_missing")
                .expect(pvs(), "pvs_empty")
                .expect(noDm("pvcreate", "/dev/loop0"), "pvcreate_a")
                .expect(noDm("pvcreate", "/dev/loop1"), "pvcreate_b")
                .expect(noDm("vgcreate", "--physicalextentsize", "4194304b", VG, "/dev/loop0", "/dev/loop1"), "vgcreate")
                .expect(vgs(VG), "vgs_one");

        VolumeGroup pool = lvm.createPool(VG, List.of("/dev/loop0", "/dev/loop1"), 4L << 20);

        assertThat(pool).isEqualTo(new VolumeGroup(VG, 4L << 20, 120L << 20, 120L << 20, 0,
                List.of("/dev/loop0", "/dev/loop1")));
    }

    @Test
    void adoptsDevicesThatAreAlreadyFreePhysicalVolumes() throws LvmException {
        runner.expectNoDeviceMapper()
                .expect(vgs(VG), "vgs_missing")
                .expect(pvs(), "pvs_orphans")
                .expect(noDm("vgcreate", VG, "/dev/loop0", "/dev/loop1"), "vgcreate")
                .expect(vgs(VG), "vgs_one");

        assertThat(lvm.createPool(VG, List.of("/dev/loop0", "/dev/loop1"), 0).physicalVolumes()).hasSize(2);
    }

    @Test
    void refusesPoolThatExists() {
        runner.expectNoDeviceMapper().expect(vgs(VG), "vgs_one");

        assertFails(() -> lvm.createPool(VG, List.of("/dev/loop3"), 0), Reason.ALREADY_EXISTS,
                "pool aplvmtestfxvg already exists: add devices to it with `bin/appliance pool extend");
    }

    @Test
    void refusesDeviceThatIsPhysicalVolumeOfAnotherPool() {
        runner.expectNoDeviceMapper().expect(vgs("nosuchvg"), "vgs_missing").expect(pvs(), "pvs_in_vg");

        assertFails(() -> lvm.createPool("nosuchvg", List.of("/dev/loop3", "/dev/loop1"), 0), Reason.DEVICE_IN_USE,
                "device /dev/loop1 is already a physical volume of aplvmtestfxvg");
    }

    @Test
    void refusesMountedDeviceBeforeTouchingAnything() {
        devices.uses.put("/dev/loop1", "mounted at /srv/data");
        runner.expectNoDeviceMapper().expect(vgs("nosuchvg"), "vgs_missing").expect(pvs(), "pvs_empty");

        assertFails(() -> lvm.createPool("nosuchvg", List.of("/dev/loop0", "/dev/loop1"), 0), Reason.DEVICE_IN_USE,
                "device /dev/loop1 is mounted at /srv/data");
    }

    @Test
    void refusesMissingDevice() {
        runner.expectNoDeviceMapper().expect(vgs("nosuchvg"), "vgs_missing").expect(pvs(), "pvs_empty");

        assertFails(() -> lvm.createPool("nosuchvg", List.of("/dev/loop9"), 0), Reason.NOT_FOUND,
                "device /dev/loop9 does not exist");
    }

    @Test
    void undoesItsPvcreateWhenALaterDeviceHoldsData() {
        runner.expectNoDeviceMapper()
                .expect(vgs("nosuchvg"), "vgs_missing")
                .expect(pvs(), "pvs_empty")
                .expect(noDm("pvcreate", "/dev/loop0"), "pvcreate_a")
                .expect(noDm("pvcreate", "/dev/loop2"), "pvcreate_signature")
                .expect(noDm("pvremove", "/dev/loop0"), "pvremove_one");

        assertFails(() -> lvm.createPool("nosuchvg", List.of("/dev/loop0", "/dev/loop2"), 0), Reason.DEVICE_IN_USE,
                "wipe it with `wipefs -a /dev/loop2`");
    }

    @Test
    void undoesItsPvcreateWhenVgcreateFails() {
        runner.expectNoDeviceMapper()
                .expect(vgs(VG), "vgs_missing")
                .expect(pvs(), "pvs_empty")
                .expect(noDm("pvcreate", "/dev/loop0"), "pvcreate_a")
                .expect(noDm("vgcreate", VG, "/dev/loop0"), "vgcreate_exists")
                .expect(noDm("pvremove", "/dev/loop0"), "pvremove_one");

        assertFails(() -> lvm.createPool(VG, List.of("/dev/loop0"), 0), Reason.ALREADY_EXISTS, "already exists");
    }

    @Test
    void refusesBadPoolArgumentsWithoutRunningAnything() {
        assertFails(() -> lvm.createPool("-x", List.of("/dev/loop0"), 0), Reason.INVALID_ARGUMENT, "'-'");
        assertFails(() -> lvm.createPool("p", List.of(), 0), Reason.INVALID_ARGUMENT, "at least one device");
        assertFails(() -> lvm.createPool("p", List.of("loop0"), 0), Reason.INVALID_ARGUMENT, "absolute");
        assertFails(() -> lvm.createPool("p", List.of("/dev/loop0", "/dev/loop0"), 0), Reason.INVALID_ARGUMENT,
                "given twice");
        assertFails(() -> lvm.createPool("p", List.of("/dev/loop0"), 3L << 20), Reason.INVALID_ARGUMENT, "power of two");
        assertFails(() -> lvm.extendPool("p", List.of("-ff")), Reason.INVALID_ARGUMENT, "absolute");
        assertThat(runner.commandsRun()).isEmpty();
    }

    @Test
    void extendsPoolWithFreePhysicalVolume() throws LvmException {
        runner.expectNoDeviceMapper()
                .expect(vgs(VG), "vgs_one")
                .expect(pvs(), "pvs_in_vg")
                .expect(noDm("vgextend", VG, "/dev/loop3"), "vgextend")
                .expect(vgs(VG), "vgs_one");

        assertThat(lvm.extendPool(VG, List.of("/dev/loop3")).name()).isEqualTo(VG);
    }

    @Test
    void refusesExtendingWithDeviceAlreadyInThePool() {
        runner.expectNoDeviceMapper().expect(vgs(VG), "vgs_one").expect(pvs(), "pvs_in_vg");

        assertFails(() -> lvm.extendPool(VG, List.of("/dev/loop0")), Reason.DEVICE_IN_USE,
                "device /dev/loop0 is already in pool aplvmtestfxvg");
    }

    @Test
    void refusesExtendingMissingPool() {
        runner.expectNoDeviceMapper().expect(vgs("nosuchvg"), "vgs_missing");

        assertFails(() -> lvm.extendPool("nosuchvg", List.of("/dev/loop3")), Reason.NOT_FOUND,
                "pool nosuchvg does not exist");
    }

    @Test
    void listsPoolsAndPhysicalVolumes() throws LvmException {
        List<String> allVgs = new ArrayList<>(noDm("vgs"));
        allVgs.addAll(REPORT);
        allVgs.add(Vgs.COLUMNS);
        runner.expectNoDeviceMapper().expect(allVgs, "vgs_two_lvs").expect(pvs(), "pvs_in_vg");

        assertThat(lvm.pools()).extracting(VolumeGroup::name, VolumeGroup::freeBytes, VolumeGroup::logicalVolumeCount)
                .containsExactly(tuple(VG, 24L << 20, 3));
        assertThat(lvm.physicalVolumes()).extracting(PhysicalVolume::device)
                .containsExactly("/dev/loop0", "/dev/loop1", "/dev/loop3");
    }

    @Test
    void missingPoolIsEmpty() throws LvmException {
        runner.expectNoDeviceMapper().expect(vgs("nosuchvg"), "vgs_missing");

        assertThat(lvm.pool("nosuchvg")).isEmpty();
    }

    // --- volumes ---

    @Test
    void roundsSizesUpToWholeExtents() {
        long extent = 4L << 20;
        assertThat(Lvm.extentsFor(1, extent)).isEqualTo(1);
        assertThat(Lvm.extentsFor(extent, extent)).isEqualTo(1);
        assertThat(Lvm.extentsFor(extent + 1, extent)).isEqualTo(2);
        assertThat(Lvm.extentsFor(17L << 20, extent)).isEqualTo(5);
        assertThat(Lvm.extentsFor(Long.MAX_VALUE, extent)).isEqualTo(Long.MAX_VALUE / extent + 1);
    }

    @Test
    void createsVolumeRoundedUp() throws LvmException {
        runner.expectNoDeviceMapper()
                .expect(vgs(VG), "vgs_one")
                .expect(noDm("lvcreate", "-an", "-Zn", "-y", "-l", "5", "-n", "lv1", VG), "lvcreate_lv1")
                .expect(lvs(VG + "/lv1"), "lvs_lv1_created");

        assertThat(lvm.createVolume(VG, "lv1", (16L << 20) + 1).sizeBytes()).isEqualTo(20L << 20);
    }

    @Test
    void refusesVolumeLargerThanFreeSpaceBeforeRunningLvcreate() {
        runner.expectNoDeviceMapper().expect(vgs(VG), "vgs_two_lvs");

        assertFails(() -> lvm.createVolume(VG, "big", 100L << 20), Reason.INSUFFICIENT_SPACE,
                "pool aplvmtestfxvg has 24 MiB free; 100 MiB asked (25 extents of 4 MiB): add a device with"
                        + " `bin/appliance pool extend aplvmtestfxvg DEVICE`, or ask for less");
    }

    @Test
    void mapsLvcreateRefusals() {
        runner.expectNoDeviceMapper()
                .expect(vgs(VG), "vgs_one")
                .expect(noDm("lvcreate", "-an", "-Zn", "-y", "-l", "1", "-n", "lv1", VG), "lvcreate_exists")
                .expect(vgs(VG), "vgs_one")
                .expect(noDm("lvcreate", "-an", "-Zn", "-y", "-l", "1", "-n", "big", VG), "lvcreate_too_big");

        assertFails(() -> lvm.createVolume(VG, "lv1", 1), Reason.ALREADY_EXISTS, "volume lv1 already exists");
        assertFails(() -> lvm.createVolume(VG, "big", 1), Reason.INSUFFICIENT_SPACE, "free extents");
    }

    @Test
    void refusesVolumeInMissingPool() {
        runner.expectNoDeviceMapper().expect(vgs("nosuchvg"), "vgs_missing");

        assertFails(() -> lvm.createVolume("nosuchvg", "lv1", 1), Reason.NOT_FOUND,
                "pool nosuchvg does not exist: see `bin/appliance pool list`");
    }

    @Test
    void refusesBadVolumeArgumentsWithoutRunningAnything() {
        assertFails(() -> lvm.createVolume(VG, "snapshot0", 1), Reason.INVALID_ARGUMENT, "reserved");
        assertFails(() -> lvm.createVolume(VG, "lv1", 0), Reason.INVALID_ARGUMENT, "positive");
        assertFails(() -> lvm.createVolume("a/b", "lv1", 1), Reason.INVALID_ARGUMENT, "only letters");
        assertFails(() -> lvm.extendVolume(VG, "lv 1", 1), Reason.INVALID_ARGUMENT, "only letters");
        assertFails(() -> lvm.renameVolume(VG, "lv1", "lv1"), Reason.INVALID_ARGUMENT, "already has that name");
        assertFails(() -> lvm.renameVolume(VG, "lv1", ".."), Reason.INVALID_ARGUMENT, "reserved");
        assertFails(() -> lvm.removeVolume(VG, ""), Reason.INVALID_ARGUMENT, "required");
        assertThat(runner.commandsRun()).isEmpty();
    }

    @Test
    void extendsVolumeAcrossBothPhysicalVolumes() throws LvmException {
        runner.expectNoDeviceMapper()
                .expect(vgs(VG), "vgs_after_lv2")
                .expect(lvs(VG + "/lv1"), "lvs_lv1_created")
                .expect(noDm("lvextend", "-l", "20", VG + "/lv1"), "lvextend_lv1")
                .expect(lvs(VG + "/lv1"), "lvs_one");

        LogicalVolume extended = lvm.extendVolume(VG, "lv1", 80L << 20);

        assertThat(extended.sizeBytes()).isEqualTo(80L << 20);
        assertThat(extended.segments()).extracting(Segment::pvDevice)
                .containsExactly("/dev/loop0", "/dev/loop0", "/dev/loop1");
    }

    @Test
    void extendingToCurrentSizeChangesNothing() throws LvmException {
        runner.expectNoDeviceMapper().expect(vgs(VG), "vgs_after_lv2").expect(lvs(VG + "/lv1"), "lvs_lv1_created");

        assertThat(lvm.extendVolume(VG, "lv1", (16L << 20) + 512).sizeBytes()).isEqualTo(20L << 20);
    }

    @Test
    void refusesShrinking() {
        runner.expectNoDeviceMapper().expect(vgs(VG), "vgs_after_lv2").expect(lvs(VG + "/lv1"), "lvs_lv1_created");

        assertFails(() -> lvm.extendVolume(VG, "lv1", 8L << 20), Reason.INVALID_ARGUMENT,
                "volume aplvmtestfxvg/lv1 is 20 MiB; 8 MiB asked: volumes can only grow");
    }

    @Test
    void refusesExtendBeyondFreeSpace() {
        runner.expectNoDeviceMapper().expect(vgs(VG), "vgs_two_lvs").expect(lvs(VG + "/lv1"), "lvs_one");

        assertFails(() -> lvm.extendVolume(VG, "lv1", 1L << 30), Reason.INSUFFICIENT_SPACE,
                "pool aplvmtestfxvg has 24 MiB free; 944 MiB asked (236 extents of 4 MiB)");
    }

    @Test
    void refusesExtendingMissingVolume() {
        runner.expectNoDeviceMapper().expect(vgs(VG), "vgs_one").expect(lvs(VG + "/nosuch"), "lvs_missing_lv");

        assertFails(() -> lvm.extendVolume(VG, "nosuch", 1), Reason.NOT_FOUND,
                "volume nosuch does not exist in pool aplvmtestfxvg");
    }

    @Test
    void listsAndFindsVolumes() throws LvmException {
        runner.expectNoDeviceMapper()
                .expect(lvs(VG), "lvs_vg")
                .expect(lvs(VG + "/nosuch"), "lvs_missing_lv")
                .expect(lvs("nosuchvg/lv1"), "lvs_missing_vg")
                .expect(lvs("nosuchvg"), "lvs_missing_vg");

        assertThat(lvm.volumes(VG)).extracting(LogicalVolume::name).containsExactly("lv1", "lv2", "striped");
        assertThat(lvm.volume(VG, "nosuch")).isEmpty();
        assertFails(() -> lvm.volume("nosuchvg", "lv1"), Reason.NOT_FOUND, "pool nosuchvg does not exist");
        assertFails(() -> lvm.volumes("nosuchvg"), Reason.NOT_FOUND, "pool nosuchvg does not exist");
    }

    @Test
    void renamesVolume() throws LvmException {
        runner.expectNoDeviceMapper()
                .expect(noDm("lvrename", VG, "lv2", "lv3"), "lvrename")
                .expect(lvs(VG + "/lv3"), "lvs_lv3")
                .expect(noDm("lvrename", VG, "lv3", "lv1"), "lvrename_exists")
                .expect(noDm("lvrename", VG, "nosuch", "other"), "lvrename_missing");

        assertThat(lvm.renameVolume(VG, "lv2", "lv3").name()).isEqualTo("lv3");
        assertFails(() -> lvm.renameVolume(VG, "lv3", "lv1"), Reason.ALREADY_EXISTS, "volume lv1 already exists");
        assertFails(() -> lvm.renameVolume(VG, "nosuch", "other"), Reason.NOT_FOUND, "volume nosuch does not exist");
    }

    @Test
    void removesVolume() throws LvmException {
        runner.expectNoDeviceMapper()
                .expect(noDm("lvremove", "-y", VG + "/lv3"), "lvremove_lv3")
                .expect(noDm("lvremove", "-y", VG + "/nosuch"), "lvremove_missing");

        lvm.removeVolume(VG, "lv3");
        assertFails(() -> lvm.removeVolume(VG, "nosuch"), Reason.NOT_FOUND, "volume nosuch does not exist");
    }

    @Test
    void passesOnMissingToolsAndTimeouts() {
        runner.expectNoDeviceMapper()
                .expectFailure(pvs(), new LvmException(Reason.TOOL_MISSING, "pvs is not installed: apt-get install lvm2"))
                .expectFailure(lvs(VG), new LvmException(Reason.TIMEOUT, "lvs did not finish"));

        assertFails(lvm::physicalVolumes, Reason.TOOL_MISSING, "apt-get install lvm2");
        assertFails(() -> lvm.volumes(VG), Reason.TIMEOUT, "did not finish");
    }

    // --- helpers ---

    static List<String> noDm(String tool, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(tool);
        argv.addAll(ScriptedCommandRunner.NO_DM);
        argv.addAll(List.of(args));
        return argv;
    }

    static List<String> pvs() {
        List<String> argv = noDm("pvs");
        argv.addAll(REPORT);
        argv.add("pv_name,vg_name,pv_size,pv_free,pe_start");
        return argv;
    }

    static List<String> vgs(String pool) {
        List<String> argv = noDm("vgs");
        argv.addAll(REPORT);
        argv.addAll(List.of("vg_name,vg_extent_size,vg_size,vg_free,lv_count,pv_name", pool));
        return argv;
    }

    static List<String> lvs(String target) {
        List<String> argv = noDm("lvs");
        argv.addAll(REPORT);
        argv.addAll(List.of(
                "lv_name,vg_name,lv_size,lv_active,lv_path,seg_start_pe,seg_size_pe,segtype,stripes,seg_pe_ranges", target));
        return argv;
    }

    static void assertFails(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call).isInstanceOf(LvmException.class).hasMessageContaining(message)
                .extracting(e -> ((LvmException) e).reason()).isEqualTo(reason);
    }

    /** Devices that exist, and what uses some of them outside lvm2. */
    static final class FakeDevices implements LocalDevices {
        private final List<String> existing;
        final Map<String, String> uses = new HashMap<>();

        FakeDevices(String... existing) {
            this.existing = List.of(existing);
        }

        @Override
        public boolean exists(String device) {
            return existing.contains(device);
        }

        @Override
        public String canonical(String device) {
            return device;
        }

        @Override
        public Optional<String> useOutsideLvm(String device) {
            return Optional.ofNullable(uses.get(device));
        }
    }
}
