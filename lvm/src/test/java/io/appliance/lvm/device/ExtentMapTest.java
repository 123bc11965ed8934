package io.appliance.lvm.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.LvmException;
import io.appliance.lvm.PhysicalVolume;
import io.appliance.lvm.Segment;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtentMapTest {

    private static final long MIB = 1 << 20;
    private static final long EXTENT = 4 * MIB;
    private static final Path A = Path.of("/dev/loopA");
    private static final Path B = Path.of("/dev/loopB");
    private static final List<PhysicalVolume> PVS = List.of(
            new PhysicalVolume(A.toString(), "vg", 100 * MIB, 0, MIB),
            new PhysicalVolume(B.toString(), "vg", 100 * MIB, 0, 192 * 1024));

    /** LV extents 0-1 on A at PE 10, 2-4 on B at PE 0, 5 on A at PE 3 (given out of order). */
    private static LogicalVolume threeSegments() {
        return new LogicalVolume("vg", "lv", 6 * EXTENT, List.of(
                new Segment(2, 3, B.toString(), 0),
                new Segment(0, 2, A.toString(), 10),
                new Segment(5, 1, A.toString(), 3)), false, "/dev/vg/lv");
    }

    @Test
    void rangesStartAtPeStartPlusPhysicalExtentTimesExtentSize() throws Exception {
        ExtentMap map = ExtentMap.ofSegments(threeSegments(), EXTENT, PVS, 512);

        assertThat(map.sizeBytes()).isEqualTo(6 * EXTENT);
        assertThat(map.ranges()).containsExactly(
                new ExtentMap.Range(0, 2 * EXTENT, A, MIB + 10 * EXTENT),
                new ExtentMap.Range(2 * EXTENT, 3 * EXTENT, B, 192 * 1024),
                new ExtentMap.Range(5 * EXTENT, EXTENT, A, MIB + 3 * EXTENT));
        assertThat(map.backingFiles()).containsExactly(A, B);
    }

    @Test
    void aRequestInsideOneSegmentIsOnePiece() throws Exception {
        ExtentMap map = ExtentMap.ofSegments(threeSegments(), EXTENT, PVS, 512);

        assertThat(map.pieces(0, 4096)).containsExactly(new ExtentMap.Piece(A, MIB + 10 * EXTENT, 0, 4096));
        assertThat(map.pieces(3 * EXTENT + 512, 1024))
                .containsExactly(new ExtentMap.Piece(B, 192 * 1024 + EXTENT + 512, 0, 1024));
        assertThat(map.pieces(6 * EXTENT - 512, 512))
                .containsExactly(new ExtentMap.Piece(A, MIB + 4 * EXTENT - 512, 0, 512));
    }

    @Test
    void aRequestAcrossSegmentBoundariesIsSplitAtEachBoundary() throws Exception {
        ExtentMap map = ExtentMap.ofSegments(threeSegments(), EXTENT, PVS, 512);

        assertThat(map.pieces(2 * EXTENT - 1024, 3072)).containsExactly(
                new ExtentMap.Piece(A, MIB + 12 * EXTENT - 1024, 0, 1024),
                new ExtentMap.Piece(B, 192 * 1024, 1024, 2048));
        int whole = (int) (6 * EXTENT);
        assertThat(map.pieces(0, whole)).containsExactly(
                new ExtentMap.Piece(A, MIB + 10 * EXTENT, 0, (int) (2 * EXTENT)),
                new ExtentMap.Piece(B, 192 * 1024, (int) (2 * EXTENT), (int) (3 * EXTENT)),
                new ExtentMap.Piece(A, MIB + 3 * EXTENT, (int) (5 * EXTENT), (int) EXTENT));
    }

    @Test
    void sizeIsTheVolumeSizeRoundedDownToTheBlock() throws Exception {
        LogicalVolume odd = new LogicalVolume("vg", "lv", EXTENT - 100, List.of(new Segment(0, 1, A.toString(), 0)),
                false, "");
        assertThat(ExtentMap.ofSegments(odd, EXTENT, PVS, 4096).sizeBytes()).isEqualTo(EXTENT - 4096);
    }

    @Test
    void gapsMissingPhysicalVolumesAndShortMapsAreRefusedWithTheirReason() {
        LogicalVolume gap = new LogicalVolume("vg", "lv", 3 * EXTENT, List.of(
                new Segment(0, 1, A.toString(), 0), new Segment(2, 1, A.toString(), 5)), false, "");
        assertThatThrownBy(() -> ExtentMap.ofSegments(gap, EXTENT, PVS, 512))
                .isInstanceOfSatisfying(LvmException.class,
                        e -> assertThat(e.reason()).isEqualTo(LvmException.Reason.INVALID_ARGUMENT))
                .hasMessageContaining("expected LV extent 1, found 2");

        LogicalVolume elsewhere = new LogicalVolume("vg", "lv", EXTENT, List.of(new Segment(0, 1, "/dev/sdz", 0)),
                false, "");
        assertThatThrownBy(() -> ExtentMap.ofSegments(elsewhere, EXTENT, PVS, 512))
                .isInstanceOfSatisfying(LvmException.class,
                        e -> assertThat(e.reason()).isEqualTo(LvmException.Reason.NOT_FOUND))
                .hasMessageContaining("/dev/sdz");

        LogicalVolume short_ = new LogicalVolume("vg", "lv", 2 * EXTENT, List.of(new Segment(0, 1, A.toString(), 0)),
                false, "");
        assertThatThrownBy(() -> ExtentMap.ofSegments(short_, EXTENT, PVS, 512))
                .isInstanceOf(LvmException.class).hasMessageContaining("covers " + EXTENT + " bytes");

        LogicalVolume thin = new LogicalVolume("vg", "thin", EXTENT, List.of(), false, "");
        assertThatThrownBy(() -> ExtentMap.ofSegments(thin, EXTENT, PVS, 512))
                .isInstanceOf(LvmException.class).hasMessageContaining("no segment on a physical volume");

        LogicalVolume huge = new LogicalVolume("vg", "lv", EXTENT, List.of(new Segment(0, 1, A.toString(),
                Long.MAX_VALUE / 2)), false, "");
        assertThatThrownBy(() -> ExtentMap.ofSegments(huge, EXTENT, PVS, 512))
                .isInstanceOf(LvmException.class).hasMessageContaining("beyond 2^63");
    }

    @Test
    void aDeviceNodeMapsOneToOne() throws Exception {
        Path node = Path.of("/dev/vg/lv");
        ExtentMap map = ExtentMap.ofDeviceNode(node, 10 * MIB + 100, 4096);

        assertThat(map.sizeBytes()).isEqualTo(10 * MIB);
        assertThat(map.pieces(MIB, 8192)).containsExactly(new ExtentMap.Piece(node, MIB, 0, 8192));
        assertThatThrownBy(() -> ExtentMap.ofDeviceNode(node, 100, 512)).isInstanceOf(LvmException.class);
    }
}
