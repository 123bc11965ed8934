package io.appliance.lvm;

import static io.appliance.lvm.ScriptedCommandRunner.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Parsing of real {@code pvs}/{@code vgs}/{@code lvs} JSON captured from lvm2 2.03 on loop devices. */
class Lvm2ReportsTest {

    private static final List<String> ARGV = List.of("lvs");
    private static final String VG = "aplvmtestfxvg";

    @Test
    void joinsMultiSegmentVolumeAcrossTwoPhysicalVolumes() throws LvmException {
        List<LogicalVolume> volumes = Lvs.parse(fixture("lvs_vg").stdout(), ARGV);

        assertThat(volumes).extracting(LogicalVolume::name).containsExactly("lv1", "lv2", "striped");
        LogicalVolume lv1 = volumes.get(0);
        assertThat(lv1.vgName()).isEqualTo(VG);
        assertThat(lv1.sizeBytes()).isEqualTo(80L << 20);
        assertThat(lv1.active()).isFalse();
        assertThat(lv1.devicePath()).isEqualTo("/dev/aplvmtestfxvg/lv1");
        assertThat(lv1.segments()).containsExactly(
                new Segment(0, 5, "/dev/loop0", 0),
                new Segment(5, 7, "/dev/loop0", 8),
                new Segment(12, 8, "/dev/loop1", 1));
        assertThat(volumes.get(1).segments()).containsExactly(new Segment(0, 2, "/dev/loop0", 5));
    }

    @Test
    void stripedVolumeHasNoExtentMap() throws LvmException {
        LogicalVolume striped = Lvs.parse(fixture("lvs_vg").stdout(), ARGV).get(2);

        assertThat(striped.sizeBytes()).isEqualTo(8L << 20);
        assertThat(striped.segments()).isEmpty();
    }

    @Test
    void splitsSeveralRangesOfOneLinearRowIntoConsecutiveSegments() throws LvmException {
        String json = lvsJson(row("lv", "0", "15", "linear", "1", "/dev/loop0:0-9 /dev/loop1:0-4"));

        LogicalVolume volume = Lvs.parse(json, ARGV).get(0);

        assertThat(volume.segments()).containsExactly(
                new Segment(0, 10, "/dev/loop0", 0),
                new Segment(10, 5, "/dev/loop1", 0));
        assertThat(volume.active()).isTrue();
    }

    @Test
    void keepsColonsInDevicePaths() throws LvmException {
        String json = lvsJson(row("lv", "0", "3", "linear", "1", "/dev/disk/by-path/pci-0000:00:1f.2-ata-1:4-6"));

        assertThat(Lvs.parse(json, ARGV).get(0).segments())
                .containsExactly(new Segment(0, 3, "/dev/disk/by-path/pci-0000:00:1f.2-ata-1", 4));
    }

    @Test
    void sortsSegmentsReportedOutOfOrder() throws LvmException {
        String json = lvsJson(row("lv", "4", "2", "linear", "1", "/dev/loop1:0-1"),
                row("lv", "0", "4", "linear", "1", "/dev/loop0:10-13"));

        assertThat(Lvs.parse(json, ARGV).get(0).segments()).containsExactly(
                new Segment(0, 4, "/dev/loop0", 10), new Segment(4, 2, "/dev/loop1", 0));
    }

    @Test
    void volumeWithGapInItsExtentMapHasNoSegments() throws LvmException {
        String json = lvsJson(row("lv", "0", "4", "linear", "1", "/dev/loop0:0-3"),
                row("lv", "6", "2", "linear", "1", "/dev/loop1:0-1"));

        assertThat(Lvs.parse(json, ARGV).get(0).segments()).isEmpty();
    }

    @Test
    void refusesRangesThatContradictSegmentSize() {
        String json = lvsJson(row("lv", "0", "5", "linear", "1", "/dev/loop0:0-9"));

        assertToolFailed(() -> Lvs.parse(json, ARGV), "seg_size_pe");
    }

    @Test
    void refusesMalformedRanges() {
        for (String ranges : List.of("/dev/loop0", "/dev/loop0:5", "/dev/loop0:9-3", "/dev/loop0:a-b", ":0-1")) {
            assertToolFailed(() -> Lvs.parse(lvsJson(row("lv", "0", "5", "linear", "1", ranges)), ARGV), ranges);
        }
    }

    @Test
    void emptyPoolHasNoVolumes() throws LvmException {
        assertThat(Lvs.parse(fixture("lvs_empty").stdout(), ARGV)).isEmpty();
    }

    @Test
    void parsesPhysicalVolumesInAndOutOfPools() throws LvmException {
        List<PhysicalVolume> pvs = Pvs.parse(fixture("pvs_in_vg").stdout(), ARGV);

        assertThat(pvs).containsExactly(
                new PhysicalVolume("/dev/loop0", VG, 60L << 20, 60L << 20, 1L << 20),
                new PhysicalVolume("/dev/loop1", VG, 60L << 20, 60L << 20, 1L << 20),
                new PhysicalVolume("/dev/loop3", "", 32L << 20, 32L << 20, 1L << 20));
    }

    @Test
    void joinsVolumeGroupRowsOfEachPhysicalVolume() throws LvmException {
        List<VolumeGroup> groups = Vgs.parse(fixture("vgs_two_lvs").stdout(), ARGV);

        assertThat(groups).containsExactly(
                new VolumeGroup(VG, 4L << 20, 120L << 20, 24L << 20, 3, List.of("/dev/loop0", "/dev/loop1")));
    }

    @Test
    void refusesOutputThatIsNotAnLvm2Report() {
        assertToolFailed(() -> Pvs.parse("  Physical volume \"/dev/loop0\" successfully created.", ARGV), "not JSON");
        assertToolFailed(() -> Pvs.parse("{\"report\":[{\"vg\":[]}]}", ARGV), "\"pv\"");
        assertToolFailed(() -> Pvs.parse("{\"other\":1}", ARGV), "report");
        assertToolFailed(() -> Pvs.parse("{\"report\":[{\"pv\":[{\"pv_name\":\"/dev/x\"}]}]}", ARGV), "vg_name");
        assertToolFailed(() -> Vgs.parse(fixture("vgs_one").stdout().replace("\"4194304\"", "\"4m\""), ARGV), "4m");
        assertToolFailed(() -> Vgs.parse(fixture("vgs_one").stdout().replace("\"4194304\"", "\"-1\""), ARGV), "-1");
    }

    private static String row(String name, String start, String size, String type, String stripes, String ranges) {
        return "{\"lv_name\":\"" + name + "\", \"vg_name\":\"vg\", \"lv_size\":\"1\", \"lv_active\":\"active\","
                + " \"lv_path\":\"/dev/vg/" + name + "\", \"seg_start_pe\":\"" + start + "\", \"seg_size_pe\":\"" + size
                + "\", \"segtype\":\"" + type + "\", \"stripes\":\"" + stripes + "\", \"seg_pe_ranges\":\"" + ranges + "\"}";
    }

    private static String lvsJson(String... rows) {
        return "{\"report\":[{\"lv\":[" + String.join(",", rows) + "]}]}";
    }

    private static void assertToolFailed(ThrowingCallable call, String mention) {
        assertThatThrownBy(call).isInstanceOf(LvmException.class).hasMessageContaining(mention)
                .extracting(e -> ((LvmException) e).reason()).isEqualTo(LvmException.Reason.TOOL_FAILED);
    }
}
