package io.appliance.lvm;

import static io.appliance.lvm.LvmTest.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.appliance.lvm.LvmException.Reason;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade against the real lvm2 tools on loop devices made from sparse files. Runs only as
 * root where lvm2 and losetup exist; everything it makes is named {@code aplvmtest<pid>...} and
 * removed in {@link #cleanUp()} even when a test fails.
 */
class RealLvm2Test {

    private static final Logger LOG = LoggerFactory.getLogger(RealLvm2Test.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long MIB = 1L << 20;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final ProcessCommandRunner shell = new ProcessCommandRunner();
    private final List<String> loopDevices = new ArrayList<>();
    private final List<String> pools = new ArrayList<>();
    private Lvm lvm;

    @TempDir
    Path dir;

    @BeforeEach
    void requireRootAndLvm2() throws LvmException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "lvm2 runs on Linux only");
        assumeTrue(shell.run(List.of("id", "-u"), TIMEOUT).stdout().strip().equals("0"), "needs root");
        assumeTrue(onPath("pvcreate") && onPath("losetup"), "needs lvm2 and losetup");
        lvm = new Lvm(shell, TIMEOUT);
    }

    @AfterEach
    void cleanUp() {
        List<String> noDm = lvm != null && !lvm.deviceMapperAvailable() ? List.of("--driverloaded", "n") : List.of();
        for (String pool : pools) {
            quietly(command("lvremove", noDm, "-y", pool));
            quietly(command("vgremove", noDm, "-y", pool));
        }
        for (String device : loopDevices) {
            quietly(command("pvremove", noDm, "-y", device));
            quietly(List.of("losetup", "-d", device));
        }
    }

    @Test
    void carvesExtendsAcrossBothDevicesRenamesAndRemoves() throws Exception {
        String a = loopDevice(64 * MIB);
        String b = loopDevice(64 * MIB);
        String pool = newPoolName();

        VolumeGroup created = lvm.createPool(pool, List.of(a, b), 0);

        assertThat(created.extentSizeBytes()).isEqualTo(4 * MIB);
        assertThat(created.physicalVolumes()).containsExactlyInAnyOrder(a, b);
        assertThat(created.freeBytes()).isEqualTo(created.sizeBytes()).isEqualTo(30 * 4 * MIB);
        assertThat(lvm.physicalVolumes()).filteredOn(pv -> pv.vgName().equals(pool)).hasSize(2)
                .allSatisfy(pv -> assertThat(pv.peStartBytes()).isPositive());

        LogicalVolume lv1 = lvm.createVolume(pool, "lv1", 17 * MIB);
        assertThat(lv1.sizeBytes()).isEqualTo(20 * MIB);
        assertThat(lv1.segments()).hasSize(1);
        lvm.createVolume(pool, "lv2", 8 * MIB);

        LogicalVolume extended = lvm.extendVolume(pool, "lv1", 80 * MIB);

        assertThat(extended.sizeBytes()).isEqualTo(80 * MIB);
        assertThat(extended.segments()).extracting(Segment::pvDevice).contains(a, b);
        long next = 0;
        for (Segment segment : extended.segments()) {
            assertThat(segment.lvStartExtent()).isEqualTo(next);
            next = segment.lvEndExtent();
        }
        assertThat(next).isEqualTo(20);
        String lvsByHand = shell.run(command("lvs", noDmFlags(), "--noheadings", "-o", "lv_name,seg_pe_ranges",
                pool + "/lv1"), TIMEOUT).stdout();
        for (Segment segment : extended.segments()) {
            assertThat(lvsByHand).contains(segment.pvDevice() + ":" + segment.pvStartExtent() + "-"
                    + (segment.pvStartExtent() + segment.extentCount() - 1));
        }

        assertFails(() -> lvm.createVolume(pool, "lv1", MIB), Reason.ALREADY_EXISTS, "volume lv1 already exists");
        assertFails(() -> lvm.createVolume(pool, "big", 1024 * MIB), Reason.INSUFFICIENT_SPACE, "pool " + pool + " has");
        assertFails(() -> lvm.extendVolume(pool, "lv1", 40 * MIB), Reason.INVALID_ARGUMENT, "can only grow");
        assertFails(() -> lvm.createPool(newPoolName(), List.of(a), 0), Reason.DEVICE_IN_USE,
                "already a physical volume of " + pool);

        assertThat(lvm.renameVolume(pool, "lv2", "lv3").name()).isEqualTo("lv3");
        assertThat(lvm.volume(pool, "lv2")).isEmpty();
        assertThat(lvm.volumes(pool)).extracting(LogicalVolume::name).containsExactlyInAnyOrder("lv1", "lv3");

        lvm.removeVolume(pool, "lv3");
        lvm.removeVolume(pool, "lv1");
        assertFails(() -> lvm.removeVolume(pool, "lv1"), Reason.NOT_FOUND, "volume lv1 does not exist");
        assertThat(lvm.volumes(pool)).isEmpty();
        assertThat(lvm.pool(pool).orElseThrow().freeBytes()).isEqualTo(created.sizeBytes());
    }

    @Test
    void extendsPoolAndRefusesDevicesHoldingData() throws Exception {
        String a = loopDevice(32 * MIB);
        String b = loopDevice(32 * MIB);
        String withFilesystem = loopDevice(32 * MIB);
        assumeTrue(onPath("mkfs.ext4"), "needs mkfs.ext4");
        assertThat(shell.run(List.of("mkfs.ext4", "-q", withFilesystem), TIMEOUT).exitCode()).isZero();
        String pool = newPoolName();

        lvm.createPool(pool, List.of(a), 1 * MIB);
        VolumeGroup extended = lvm.extendPool(pool, List.of(b));

        assertThat(extended.physicalVolumes()).containsExactlyInAnyOrder(a, b);
        assertThat(extended.extentSizeBytes()).isEqualTo(MIB);
        assertFails(() -> lvm.extendPool(pool, List.of(withFilesystem)), Reason.DEVICE_IN_USE,
                "holds a ext4 signature");
        assertThat(lvm.physicalVolumes()).extracting(PhysicalVolume::device).doesNotContain(withFilesystem);
        assertFails(() -> lvm.createPool(newPoolName(), List.of(dir.resolve("nothing").toString()), 0),
                Reason.NOT_FOUND, "does not exist");
        assertFails(() -> lvm.volumes(newPoolName()), Reason.NOT_FOUND, "does not exist");
    }

    private String loopDevice(long size) throws IOException, LvmException {
        Path file = dir.resolve("pv" + loopDevices.size() + ".img");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(size);
        }
        CommandResult attached = shell.run(List.of("losetup", "-f", "--show", file.toString()), TIMEOUT);
        assumeTrue(attached.succeeded(), () -> "no free loop device: " + attached.stderr());
        String device = attached.stdout().strip();
        loopDevices.add(device);
        return device;
    }

    private String newPoolName() {
        String name = "aplvmtest" + ProcessHandle.current().pid() + "r" + SEQUENCE.incrementAndGet();
        pools.add(name);
        return name;
    }

    private List<String> noDmFlags() {
        return lvm.deviceMapperAvailable() ? List.of() : List.of("--driverloaded", "n");
    }

    private static List<String> command(String tool, List<String> flags, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(tool);
        argv.addAll(flags);
        argv.addAll(List.of(args));
        return argv;
    }

    private void quietly(List<String> argv) {
        try {
            shell.run(argv, TIMEOUT);
        } catch (LvmException e) {
            LOG.warn("cleanup `{}` failed: {}", String.join(" ", argv), e.getMessage());
        }
    }

    private static boolean onPath(String tool) {
        for (String directory : (System.getenv("PATH") + ":/sbin:/usr/sbin").split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) {
                return true;
            }
        }
        return false;
    }
}
