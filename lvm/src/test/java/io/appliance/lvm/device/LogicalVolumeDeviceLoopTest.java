package io.appliance.lvm.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.Lvm;
import io.appliance.lvm.PhysicalVolume;
import io.appliance.lvm.ProcessCommandRunner;
import io.appliance.lvm.Segment;
import io.appliance.lvm.VolumeGroup;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real lvm2 on two loop devices over sparse files, without device-mapper: a volume carved with
 * {@code --driverloaded n -an -Zn}, written through {@link LogicalVolumeDevice}, checked with
 * {@code dd} on the loop devices at {@code pe_start + extent * extent_size}. Runs only as root
 * with lvm2 and a free loop device; every loop device and VG it made is removed afterwards.
 */
class LogicalVolumeDeviceLoopTest {

    private static final long MIB = 1 << 20;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<String> loopDevices = new ArrayList<>();
    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private String pool;
    private Lvm lvm;

    @BeforeEach
    void makeLoopDevices() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for losetup and lvm2");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/lvm")) || Files.isExecutable(Path.of("/sbin/lvm")),
                "needs lvm2");
        for (String name : List.of("pv-a.img", "pv-b.img")) {
            Path file = dir.resolve(name);
            try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
                sparse.setLength(64 * MIB);
            }
            Result attached = run("losetup", "-f", "--show", file.toString());
            assumeTrue(attached.exitCode == 0, "needs a free loop device: " + attached.stderr);
            loopDevices.add(attached.stdout.trim());
        }
        pool = "apptest_lvdev_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
        lvm = new Lvm(new ProcessCommandRunner(), COMMAND_TIMEOUT);
    }

    @AfterEach
    void removePoolAndLoopDevices() throws Exception {
        io.shutdownNow();
        try {
            if (pool != null) {
                run("lvm", "vgremove", "-ff", "-y", "--driverloaded", "n", pool);
            }
            if (!loopDevices.isEmpty()) {
                List<String> pvremove = new ArrayList<>(List.of("lvm", "pvremove", "-ff", "-y"));
                pvremove.addAll(loopDevices);
                run(pvremove.toArray(String[]::new));
            }
        } finally {
            for (String loop : loopDevices) {
                run("losetup", "-d", loop);
            }
        }
        assertThat(io.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aVolumeIsWrittenAtItsExtentsOnTheLoopDevicesAndGrowsAcrossBothOnReload() throws Exception {
        VolumeGroup created = lvm.createPool(pool, loopDevices, 0);
        long extent = created.extentSizeBytes();
        assertThat(extent).isEqualTo(4 * MIB);
        lvm.createVolume(pool, "lv0", 12 * MIB);
        lvm.createVolume(pool, "gap", 8 * MIB); // so that lv0's extension is not contiguous with it

        try (LogicalVolumeDevice device = LogicalVolumeDevice.open(lvm, pool, "lv0", VolumeAccess.AUTO, 512, false,
                io)) {
            assertThat(device.access()).as("inactive volume").isEqualTo(VolumeAccess.EXTENT_MAP);
            assertThat(device.size()).isEqualTo(12 * MIB);
            byte[] first = pattern((int) (12 * MIB), 1);
            device.write(0, ByteBuffer.wrap(first), true).get(30, TimeUnit.SECONDS);
            assertLandedAtTheirExtents(lvm.volume(pool, "lv0").orElseThrow(), extent, 0, first);

            lvm.extendVolume(pool, "lv0", 80 * MIB);
            device.reload();

            assertThat(device.size()).isEqualTo(80 * MIB);
            LogicalVolume grown = lvm.volume(pool, "lv0").orElseThrow();
            assertThat(grown.segments()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(grown.segments().stream().map(Segment::pvDevice).distinct())
                    .containsExactlyInAnyOrderElementsOf(loopDevices);
            byte[] acrossGap = pattern((int) MIB, 2);
            long acrossGapAt = 12 * MIB - MIB / 2;
            device.write(acrossGapAt, ByteBuffer.wrap(acrossGap), false).get(30, TimeUnit.SECONDS);
            byte[] atEnd = pattern((int) MIB, 3);
            device.write(79 * MIB, ByteBuffer.wrap(atEnd), false).get(30, TimeUnit.SECONDS);
            String firstPv = grown.segments().get(0).pvDevice();
            Segment secondPv = grown.segments().stream()
                    .filter(segment -> !segment.pvDevice().equals(firstPv)).findFirst().orElseThrow();
            long acrossPvsAt = secondPv.lvStartExtent() * extent - MIB / 2;
            byte[] acrossPvs = pattern((int) MIB, 4);
            device.write(acrossPvsAt, ByteBuffer.wrap(acrossPvs), false).get(30, TimeUnit.SECONDS);
            device.flush().get(30, TimeUnit.SECONDS);

            assertLandedAtTheirExtents(grown, extent, acrossGapAt, acrossGap);
            assertLandedAtTheirExtents(grown, extent, 79 * MIB, atEnd);
            assertLandedAtTheirExtents(grown, extent, acrossPvsAt, acrossPvs);
            assertLandedAtTheirExtents(grown, extent, 0, Arrays.copyOf(first, (int) acrossGapAt));
        }
    }

    /** Reads each piece of {@code [lvOffset, lvOffset + expected.length)} with dd at pe_start + PE * extent size. */
    private void assertLandedAtTheirExtents(LogicalVolume volume, long extent, long lvOffset, byte[] expected)
            throws Exception {
        Map<String, Long> peStart = lvm.physicalVolumes().stream()
                .collect(Collectors.toMap(PhysicalVolume::device, PhysicalVolume::peStartBytes));
        long offset = lvOffset;
        int checked = 0;
        while (checked < expected.length) {
            long at = offset;
            Segment segment = volume.segments().stream()
                    .filter(s -> s.lvStartExtent() * extent <= at && at < s.lvEndExtent() * extent)
                    .findFirst().orElseThrow();
            int length = (int) Math.min(expected.length - checked, segment.lvEndExtent() * extent - offset);
            long position = peStart.get(segment.pvDevice()) + segment.pvStartExtent() * extent
                    + (offset - segment.lvStartExtent() * extent);
            assertThat(dd(segment.pvDevice(), position, length))
                    .as("LV bytes %d+%d on %s at %d", offset, length, segment.pvDevice(), position)
                    .isEqualTo(Arrays.copyOfRange(expected, checked, checked + length));
            checked += length;
            offset += length;
        }
    }

    private static byte[] dd(String device, long position, int length) throws Exception {
        Process dd = new ProcessBuilder("dd", "if=" + device, "iflag=skip_bytes,count_bytes", "bs=1M",
                "skip=" + position, "count=" + length, "status=none").redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] bytes = dd.getInputStream().readAllBytes();
        assertThat(dd.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(dd.exitValue()).isZero();
        return bytes;
    }

    private static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        Path out = Files.createTempFile("lvdev-out", ".txt");
        Path err = Files.createTempFile("lvdev-err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "", String.join(" ", command) + " timed out");
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
