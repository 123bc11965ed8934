package io.appliance.lvm.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.PhysicalVolume;
import io.appliance.lvm.Segment;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discards of a volume punch holes in its physical volumes at the extent map's offsets. */
class LogicalVolumeDeviceDiscardTest {

    private static final int EXTENT = 1024 * 1024;
    private static final long PE_START = 1024 * 1024;

    @TempDir
    Path dir;

    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private LogicalVolumeDevice device;
    private String loop;

    @AfterEach
    void close() throws Exception {
        if (device != null) {
            device.close();
        }
        io.shutdown();
        assertThat(io.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        if (loop != null) {
            assertThat(run("losetup", "-d", loop).exitValue()).isZero();
        }
    }

    @Test
    void discardAcrossSegmentsPunchesHolesInEachPhysicalVolume() throws Exception {
        Path pvA = sparseFile("pvA");
        Path pvB = sparseFile("pvB");
        // LV extent 0-1 on A from PE 2, extent 2-3 on B from PE 0
        device = open(pvA, pvB, new LogicalVolume("vg", "lv", 4L * EXTENT,
                List.of(new Segment(0, 2, pvA.toString(), 2), new Segment(2, 2, pvB.toString(), 0)), false, "/dev/vg/lv"));
        assertThat(device.discardZeroes()).isTrue();
        byte[] data = new byte[4 * EXTENT];
        new Random(5).nextBytes(data);
        device.write(0, ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
        long allocatedA = allocated(pvA);
        long allocatedB = allocated(pvB);

        device.discard(EXTENT, 2L * EXTENT).get(10, TimeUnit.SECONDS);

        assertThat(allocated(pvA)).isLessThanOrEqualTo(allocatedA - EXTENT);
        assertThat(allocated(pvB)).isLessThanOrEqualTo(allocatedB - EXTENT);
        ByteBuffer back = ByteBuffer.allocate(4 * EXTENT);
        device.read(0, back).get(10, TimeUnit.SECONDS);
        assertThat(Arrays.copyOfRange(back.array(), EXTENT, 3 * EXTENT)).containsOnly((byte) 0);
        assertThat(Arrays.copyOfRange(back.array(), 0, EXTENT)).isEqualTo(Arrays.copyOfRange(data, 0, EXTENT));
        assertThat(Arrays.copyOfRange(back.array(), 3 * EXTENT, 4 * EXTENT))
                .isEqualTo(Arrays.copyOfRange(data, 3 * EXTENT, 4 * EXTENT));
    }

    @Test
    void discardOnALoopDevicePunchesTheHoleInItsBackingFile() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for losetup");
        Path backing = sparseFile("loop-backing");
        Process attach = run("losetup", "-f", "--show", backing.toString());
        assumeTrue(attach.exitValue() == 0, "no free loop device");
        loop = new String(attach.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        Path node = Path.of(loop);
        device = open(node, node, new LogicalVolume("vg", "lv", 2L * EXTENT,
                List.of(new Segment(0, 2, loop, 0)), false, "/dev/vg/lv"));
        assertThat(device.discardZeroes()).as("loop devices support WRITE ZEROES").isTrue();
        byte[] data = new byte[2 * EXTENT];
        Arrays.fill(data, (byte) 0x77);
        device.write(0, ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
        long before = allocated(backing);

        device.discard(0, EXTENT).get(10, TimeUnit.SECONDS);

        assertThat(allocated(backing)).isLessThanOrEqualTo(before - EXTENT);
        ByteBuffer back = ByteBuffer.allocate(2 * EXTENT);
        device.read(0, back).get(10, TimeUnit.SECONDS);
        assertThat(Arrays.copyOfRange(back.array(), 0, EXTENT)).containsOnly((byte) 0);
        assertThat(Arrays.copyOfRange(back.array(), EXTENT, 2 * EXTENT)).containsOnly((byte) 0x77);
    }

    @Test
    void readOnlyVolumeDoesNotDiscard() throws Exception {
        Path pvA = sparseFile("pvA");
        FakeCatalog catalog = catalog(pvA, pvA);
        catalog.volume = new LogicalVolume("vg", "lv", EXTENT, List.of(new Segment(0, 1, pvA.toString(), 0)), false,
                "/dev/vg/lv");
        device = LogicalVolumeDevice.open(catalog, "vg", "lv", VolumeAccess.EXTENT_MAP, 512, true, io);
        assertThat(device.discardZeroes()).isFalse();
    }

    private LogicalVolumeDevice open(Path pvA, Path pvB, LogicalVolume volume) throws Exception {
        FakeCatalog catalog = catalog(pvA, pvB);
        catalog.volume = volume;
        return LogicalVolumeDevice.open(catalog, "vg", "lv", VolumeAccess.EXTENT_MAP, 512, false, io);
    }

    private static FakeCatalog catalog(Path pvA, Path pvB) {
        FakeCatalog catalog = new FakeCatalog(EXTENT);
        catalog.physicalVolumes = pvA.equals(pvB) ? List.of(pv(pvA, 0)) : List.of(pv(pvA, PE_START), pv(pvB, PE_START));
        return catalog;
    }

    private static PhysicalVolume pv(Path file, long peStart) {
        return new PhysicalVolume(file.toString(), "vg", 1 << 30, 0, peStart);
    }

    private Path sparseFile(String name) throws Exception {
        Path file = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8L * EXTENT);
        }
        return file;
    }

    /** st_blocks of the file in bytes. */
    private static long allocated(Path file) throws Exception {
        Process stat = run("stat", "-c", "%b", file.toString());
        return Long.parseLong(new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim()) * 512;
    }

    private static Process run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return process;
    }
}
