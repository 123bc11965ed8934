package io.appliance.lvm.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.LvmException;
import io.appliance.lvm.PhysicalVolume;
import io.appliance.lvm.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device over "physical volumes" that are plain temp files, with a hand-built segment map. */
class LogicalVolumeDeviceTest {

    private static final int EXTENT = 64 * 1024;
    private static final long PE_START_A = 4096;
    private static final long PE_START_B = 8192;
    private static final long PE_START_C = 3 * 512;

    @TempDir
    Path dir;

    private final ExecutorService io = Executors.newFixedThreadPool(4);
    private final List<LogicalVolumeDevice> opened = new ArrayList<>();
    private Path pvA;
    private Path pvB;
    private Path pvC;
    private FakeCatalog catalog;

    @BeforeEach
    void makePhysicalVolumes() throws IOException {
        pvA = Files.createFile(dir.resolve("pvA"));
        pvB = Files.createFile(dir.resolve("pvB"));
        pvC = Files.createFile(dir.resolve("pvC"));
        catalog = new FakeCatalog(EXTENT);
        catalog.physicalVolumes = List.of(pv(pvA, PE_START_A), pv(pvB, PE_START_B));
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        opened.forEach(LogicalVolumeDevice::close);
        io.shutdownNow();
        assertThat(io.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private static PhysicalVolume pv(Path file, long peStart) {
        return new PhysicalVolume(file.toString(), "vg", 1 << 30, 0, peStart);
    }

    private static LogicalVolume lv(long extents, Segment... segments) {
        return new LogicalVolume("vg", "lv", extents * EXTENT, List.of(segments), false, "/dev/vg/lv");
    }

    private static Segment segment(long lvStart, long count, Path pv, long pvStart) {
        return new Segment(lvStart, count, pv.toString(), pvStart);
    }

    /** LV extents 0-1 on A from PE 3, 2-4 on B from PE 0, 5 on A at PE 0. */
    private static LogicalVolume threeSegments(Path a, Path b) {
        return lv(6, segment(0, 2, a, 3), segment(2, 3, b, 0), segment(5, 1, a, 0));
    }

    private LogicalVolumeDevice open(VolumeAccess access, boolean readOnly) throws Exception {
        LogicalVolumeDevice device = LogicalVolumeDevice.open(catalog, "vg", "lv", access, 512, readOnly, io);
        opened.add(device);
        return device;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] readFile(Path file, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
                // read until full or end of file
            }
        }
        return buffer.array();
    }

    private static byte[] slice(byte[] bytes, long from, long length) {
        return Arrays.copyOfRange(bytes, (int) from, (int) (from + length));
    }

    private static byte[] readDevice(LogicalVolumeDevice device, long offset, int length) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        await(device.read(offset, buffer));
        assertThat(buffer.remaining()).as("buffer consumed").isZero();
        return buffer.array();
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        return future.handle((ignored, failure) -> failure).join();
    }

    @Test
    void aWriteAcrossAllSegmentsLandsAtPeStartPlusExtentTimesExtentSizeOnEachFile() throws Exception {
        catalog.volume = threeSegments(pvA, pvB);
        LogicalVolumeDevice device = open(VolumeAccess.EXTENT_MAP, false);
        assertThat(device.access()).isEqualTo(VolumeAccess.EXTENT_MAP);
        assertThat(device.size()).isEqualTo(6L * EXTENT);
        byte[] data = pattern(6 * EXTENT, 1);

        ByteBuffer src = ByteBuffer.wrap(data);
        await(device.write(0, src, true));
        assertThat(src.remaining()).as("buffer consumed").isZero();

        assertThat(readFile(pvA, PE_START_A + 3L * EXTENT, 2 * EXTENT)).isEqualTo(slice(data, 0, 2L * EXTENT));
        assertThat(readFile(pvB, PE_START_B, 3 * EXTENT)).isEqualTo(slice(data, 2L * EXTENT, 3L * EXTENT));
        assertThat(readFile(pvA, PE_START_A, EXTENT)).isEqualTo(slice(data, 5L * EXTENT, EXTENT));
        assertThat(readFile(pvA, 0, (int) PE_START_A)).as("below pe_start").containsOnly(0);
        assertThat(Files.size(pvA)).isEqualTo(PE_START_A + 5L * EXTENT);
        assertThat(Files.size(pvB)).isEqualTo(PE_START_B + 3L * EXTENT);
    }

    @Test
    void requestsCrossingSegmentBoundariesReadAndWriteBothSides() throws Exception {
        catalog.volume = threeSegments(pvA, pvB);
        LogicalVolumeDevice device = open(VolumeAccess.AUTO, false);
        await(device.write(0, ByteBuffer.wrap(pattern(6 * EXTENT, 2)), false));
        byte[] across = pattern(4096, 3);
        long boundary = 5L * EXTENT;

        await(device.write(boundary - 1024, ByteBuffer.wrap(across), false));

        assertThat(readFile(pvB, PE_START_B + 3L * EXTENT - 1024, 1024)).isEqualTo(slice(across, 0, 1024));
        assertThat(readFile(pvA, PE_START_A, 3072)).isEqualTo(slice(across, 1024, 3072));
        assertThat(readDevice(device, boundary - 1024, 4096)).isEqualTo(across);
        ByteBuffer offsetBuffer = ByteBuffer.allocate(5000).position(100).limit(100 + 4096);
        await(device.read(boundary - 1024, offsetBuffer));
        assertThat(offsetBuffer.position()).isEqualTo(4196);
        assertThat(slice(offsetBuffer.array(), 100, 4096)).isEqualTo(across);
        assertThat(slice(offsetBuffer.array(), 0, 100)).containsOnly(0);
    }

    @Test
    void outOfRangeAndUnalignedRequestsFailWithIllegalArgumentAndTouchNothing() throws Exception {
        catalog.volume = threeSegments(pvA, pvB);
        LogicalVolumeDevice device = open(VolumeAccess.EXTENT_MAP, false);
        long size = device.size();

        assertThat(failureOf(device.write(size, ByteBuffer.allocate(512), false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds the size");
        assertThat(failureOf(device.write(size - 512, ByteBuffer.allocate(1024), false)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(failureOf(device.read(100, ByteBuffer.allocate(512)))).isInstanceOf(IllegalArgumentException.class);
        assertThat(failureOf(device.read(-512, ByteBuffer.allocate(512)))).isInstanceOf(IllegalArgumentException.class);
        assertThat(failureOf(device.write(0, ByteBuffer.allocate(100), false)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(failureOf(device.discard(size - 512, 1024))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.size(pvA)).isZero();
        assertThat(Files.size(pvB)).isZero();
        await(device.discard(0, size));
        assertThat(device.discardZeroes()).as("temp files punch holes").isTrue();
        assertThat(Files.size(pvA)).as("a discard keeps the size").isZero();
    }

    @Test
    void reloadAfterASegmentIsAddedOnANewPhysicalVolumeGrowsTheDevice() throws Exception {
        catalog.volume = lv(2, segment(0, 2, pvA, 1));
        LogicalVolumeDevice device = open(VolumeAccess.EXTENT_MAP, false);
        byte[] before = pattern(2 * EXTENT, 4);
        await(device.write(0, ByteBuffer.wrap(before), false));
        assertThat(failureOf(device.write(2L * EXTENT, ByteBuffer.allocate(512), false)))
                .isInstanceOf(IllegalArgumentException.class);

        catalog.volume = lv(4, segment(0, 2, pvA, 1), segment(2, 2, pvC, 5));
        catalog.physicalVolumes = List.of(pv(pvA, PE_START_A), pv(pvB, PE_START_B), pv(pvC, PE_START_C));
        device.reload();

        assertThat(device.size()).isEqualTo(4L * EXTENT);
        byte[] after = pattern(8192, 5);
        long crossing = 2L * EXTENT - 4096;
        await(device.write(crossing, ByteBuffer.wrap(after), true));
        byte[] atEnd = pattern(512, 6);
        await(device.write(4L * EXTENT - 512, ByteBuffer.wrap(atEnd), false));

        assertThat(readFile(pvA, PE_START_A + EXTENT + crossing, 4096)).isEqualTo(slice(after, 0, 4096));
        assertThat(readFile(pvC, PE_START_C + 5L * EXTENT, 4096)).isEqualTo(slice(after, 4096, 4096));
        assertThat(readFile(pvC, PE_START_C + 7L * EXTENT - 512, 512)).isEqualTo(atEnd);
        assertThat(readDevice(device, 0, (int) crossing)).isEqualTo(slice(before, 0, crossing));
        await(device.flush());
    }

    @Test
    void reloadKeepsTheOldMapWhenTheVolumeShrankOrVanished() throws Exception {
        catalog.volume = lv(3, segment(0, 3, pvA, 0));
        LogicalVolumeDevice device = open(VolumeAccess.EXTENT_MAP, false);

        catalog.volume = lv(2, segment(0, 2, pvA, 0));
        assertThatThrownBy(device::reload).isInstanceOfSatisfying(LvmException.class,
                e -> assertThat(e.reason()).isEqualTo(LvmException.Reason.INVALID_ARGUMENT))
                .hasMessageContaining("never shrinks");
        assertThat(device.size()).isEqualTo(3L * EXTENT);

        catalog.volume = null;
        assertThatThrownBy(device::reload).isInstanceOfSatisfying(LvmException.class,
                e -> assertThat(e.reason()).isEqualTo(LvmException.Reason.NOT_FOUND));
        await(device.write(3L * EXTENT - 512, ByteBuffer.allocate(512), false));
        assertThat(device.size()).isEqualTo(3L * EXTENT);
    }

    @Test
    void autoPicksTheExtentMapWithoutDeviceMapperOrWhenTheVolumeIsInactive() throws Exception {
        catalog.volume = new LogicalVolume("vg", "lv", EXTENT, List.of(segment(0, 1, pvA, 0)), true,
                dir.resolve("no-such-node").toString());
        catalog.deviceMapper = false;
        assertThat(open(VolumeAccess.AUTO, false).access()).isEqualTo(VolumeAccess.EXTENT_MAP);

        catalog.deviceMapper = true;
        catalog.volume = lv(1, segment(0, 1, pvA, 0));
        assertThat(open(VolumeAccess.AUTO, false).access()).isEqualTo(VolumeAccess.EXTENT_MAP);
    }

    @Test
    void autoPicksTheDeviceNodeWithDeviceMapperAndAnActiveVolume() throws Exception {
        Path node = dir.resolve("node");
        Files.write(node, new byte[3 * 4096 + 100]);
        catalog.volume = new LogicalVolume("vg", "lv", EXTENT, List.of(segment(0, 1, pvA, 0)), true, node.toString());
        catalog.deviceMapper = true;

        LogicalVolumeDevice device = LogicalVolumeDevice.open(catalog, "vg", "lv", VolumeAccess.AUTO, 4096, false, io);
        opened.add(device);

        assertThat(device.access()).isEqualTo(VolumeAccess.DEVICE_NODE);
        assertThat(device.size()).as("the node's size, not the segment map's").isEqualTo(3 * 4096);
        byte[] data = pattern(8192, 7);
        await(device.write(4096, ByteBuffer.wrap(data), true));
        assertThat(readFile(node, 4096, 8192)).isEqualTo(data);
        assertThat(Files.size(pvA)).as("physical volumes untouched").isZero();

        Files.write(node, new byte[4096], StandardOpenOption.APPEND);
        device.reload();
        assertThat(device.size()).isEqualTo(4 * 4096);
        await(device.write(3 * 4096, ByteBuffer.wrap(data, 0, 4096), false));
        assertThat(readFile(node, 3 * 4096, 4096)).isEqualTo(slice(data, 0, 4096));
    }

    @Test
    void anExplicitAccessIsHonouredOrRefusedWithTheReason() throws Exception {
        Path node = dir.resolve("node");
        Files.write(node, new byte[4096]);
        catalog.volume = new LogicalVolume("vg", "lv", EXTENT, List.of(segment(0, 1, pvA, 0)), true, node.toString());

        catalog.deviceMapper = false;
        assertThatThrownBy(() -> open(VolumeAccess.DEVICE_NODE, false)).isInstanceOfSatisfying(LvmException.class,
                e -> assertThat(e.reason()).isEqualTo(LvmException.Reason.INVALID_ARGUMENT))
                .hasMessageContaining("no device-mapper");

        catalog.deviceMapper = true;
        assertThat(open(VolumeAccess.EXTENT_MAP, false).access()).isEqualTo(VolumeAccess.EXTENT_MAP);
        assertThat(open(VolumeAccess.DEVICE_NODE, false).access()).isEqualTo(VolumeAccess.DEVICE_NODE);

        catalog.volume = new LogicalVolume("vg", "lv", EXTENT, List.of(segment(0, 1, pvA, 0)), false, "");
        assertThatThrownBy(() -> open(VolumeAccess.DEVICE_NODE, false)).isInstanceOf(LvmException.class)
                .hasMessageContaining("lvchange -ay vg/lv");
    }

    @Test
    void openFailsOnAMissingVolumeOrPhysicalVolumeFileAndBadBlockSize() {
        assertThatThrownBy(() -> open(VolumeAccess.AUTO, false)).isInstanceOfSatisfying(LvmException.class,
                e -> assertThat(e.reason()).isEqualTo(LvmException.Reason.NOT_FOUND));

        Path gone = dir.resolve("gone");
        catalog.volume = lv(2, segment(0, 1, pvA, 0), segment(1, 1, gone, 0));
        catalog.physicalVolumes = List.of(pv(pvA, 0), pv(gone, 0));
        assertThatThrownBy(() -> open(VolumeAccess.EXTENT_MAP, false)).isInstanceOf(NoSuchFileException.class);

        catalog.volume = lv(1, segment(0, 1, pvA, 0));
        assertThatThrownBy(() -> LogicalVolumeDevice.open(catalog, "vg", "lv", VolumeAccess.AUTO, 1024, false, io))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailingSegmentFailsTheWholeRequestAfterEveryPartEndedAndTheDeviceStaysUsable() throws Exception {
        Path full = Path.of("/dev/full"); // every write fails with ENOSPC, reads return zeros
        catalog.volume = lv(2, segment(0, 1, pvA, 0), segment(1, 1, full, 0));
        catalog.physicalVolumes = List.of(pv(pvA, PE_START_A), pv(full, 0));
        LogicalVolumeDevice device = open(VolumeAccess.EXTENT_MAP, false);
        byte[] data = pattern(8192, 8);

        Throwable failure = failureOf(device.write(EXTENT - 4096, ByteBuffer.wrap(data), false));

        assertThat(failure).isInstanceOf(IOException.class);
        assertThat(readFile(pvA, PE_START_A + EXTENT - 4096, 4096)).as("the other part ran")
                .isEqualTo(slice(data, 0, 4096));
        await(device.write(0, ByteBuffer.wrap(data), true));
        assertThat(readDevice(device, 0, 8192)).isEqualTo(data);
        assertThat(readDevice(device, EXTENT, 4096)).containsOnly(0);
    }

    @Test
    void aReadOnlyDeviceRefusesWritesAndStillReads() throws Exception {
        Files.write(pvA, pattern(2 * EXTENT, 9));
        catalog.volume = lv(1, segment(0, 1, pvA, 0));
        LogicalVolumeDevice device = open(VolumeAccess.EXTENT_MAP, true);

        assertThat(failureOf(device.write(0, ByteBuffer.allocate(512), true))).isInstanceOf(IOException.class)
                .hasMessageContaining("read-only");
        assertThat(readDevice(device, 512, 512)).isEqualTo(readFile(pvA, PE_START_A + 512, 512));
        await(device.flush());
        assertThat(device.readOnly()).isTrue();
    }

    @Test
    void closeRefusesLaterRequestsAndReloadsAndIsIdempotent() throws Exception {
        catalog.volume = threeSegments(pvA, pvB);
        LogicalVolumeDevice device = open(VolumeAccess.EXTENT_MAP, false);
        CompletableFuture<Void> accepted = device.write(0, ByteBuffer.wrap(pattern(6 * EXTENT, 10)), true);

        device.close();
        device.close();

        await(accepted);
        assertThat(failureOf(device.read(0, ByteBuffer.allocate(512)))).isInstanceOf(ClosedChannelException.class);
        assertThat(failureOf(device.flush())).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(device::reload).isInstanceOf(ClosedChannelException.class);
        assertThat(device.toString()).contains("vg/lv", "EXTENT_MAP");
    }

    @Test
    void concurrentRequestsAcrossBoundariesSurviveReloadsThatGrowTheVolume() throws Exception {
        catalog.volume = threeSegments(pvA, pvB);
        LogicalVolumeDevice device = open(VolumeAccess.EXTENT_MAP, false);
        int block = 4096;
        int blocks = 6 * EXTENT / block;
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            // from 2048 on the writes tile the device, half a block off the 4 KiB grid so that every
            // 64 KiB segment boundary is crossed; only writes 0 and 1 overlap, and concurrent overlapping
            // writes have no defined order (BlockDevice contract), so write 0 completes before write 1 starts
            long offset = i == 0 ? 0 : (long) i * block - 2048;
            writes.add(device.write(offset, ByteBuffer.wrap(pattern(block, 100 + i)), false));
            if (i == 0) {
                await(writes.get(0));
            }
            if (i % 8 == 0) {
                long extents = 6 + i / 8 + 1;
                catalog.volume = lv(extents, segment(0, 2, pvA, 3), segment(2, 3, pvB, 0), segment(5, 1, pvA, 0),
                        segment(6, extents - 6, pvB, 3));
                device.reload();
            }
        }
        await(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));

        assertThat(device.size()).isEqualTo((6L + blocks / 8) * EXTENT);
        for (int i = 1; i < blocks; i++) {
            byte[] expected = slice(pattern(block, 100 + i), 0, 2048);
            assertThat(readDevice(device, (long) i * block - 2048, 2048)).as("block %d", i).isEqualTo(expected);
        }
    }
}
