package io.appliance.iscsi.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlockDeviceDiscardTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;
    private ExecutorService io;
    private FileBlockDevice device;

    @BeforeEach
    void open() throws Exception {
        io = Executors.newFixedThreadPool(2);
        device = FileBlockDevice.create(dir.resolve("lun.img"), 8 * MIB, 512, io);
    }

    @AfterEach
    void close() throws Exception {
        device.close();
        io.shutdown();
        assertThat(io.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void punchHoleFreesBlocksAndReadsZeros() throws Exception {
        assertThat(device.discardZeroes()).as("ext4/xfs/tmpfs punch holes").isTrue();
        byte[] ones = new byte[(int) (2 * MIB)];
        Arrays.fill(ones, (byte) 0x5A);
        device.write(MIB, ByteBuffer.wrap(ones), true).get(10, TimeUnit.SECONDS);
        long allocatedBefore = allocatedBytes();
        assertThat(allocatedBefore).isGreaterThanOrEqualTo(2 * MIB);

        device.discard(MIB, MIB).get(10, TimeUnit.SECONDS);

        assertThat(allocatedBytes()).isLessThanOrEqualTo(allocatedBefore - MIB);
        ByteBuffer back = ByteBuffer.allocate((int) (2 * MIB));
        device.read(MIB, back).get(10, TimeUnit.SECONDS);
        assertThat(Arrays.copyOfRange(back.array(), 0, (int) MIB)).containsOnly((byte) 0);
        assertThat(Arrays.copyOfRange(back.array(), (int) MIB, (int) (2 * MIB))).containsOnly((byte) 0x5A);
        assertThat(Files.size(device.path())).as("KEEP_SIZE").isEqualTo(8 * MIB);
    }

    @Test
    void extentsFollowHolesAndData() throws Exception {
        byte[] data = new byte[(int) MIB];
        Arrays.fill(data, (byte) 1);
        device.write(2 * MIB, ByteBuffer.wrap(data), false).get(10, TimeUnit.SECONDS);

        AllocationMap.Extent first = device.extentAt(0, 8 * MIB).get(10, TimeUnit.SECONDS);
        assertThat(first).isEqualTo(new AllocationMap.Extent(0, 2 * MIB, false));
        AllocationMap.Extent second = device.extentAt(2 * MIB, 8 * MIB).get(10, TimeUnit.SECONDS);
        assertThat(second).isEqualTo(new AllocationMap.Extent(2 * MIB, MIB, true));
        AllocationMap.Extent last = device.extentAt(3 * MIB, 8 * MIB).get(10, TimeUnit.SECONDS);
        assertThat(last).isEqualTo(new AllocationMap.Extent(3 * MIB, 5 * MIB, false));
        AllocationMap.Extent capped = device.extentAt(2 * MIB, 4096).get(10, TimeUnit.SECONDS);
        assertThat(capped).isEqualTo(new AllocationMap.Extent(2 * MIB, 4096, true));
    }

    @Test
    void holeEndsWhereDataBegins() throws Exception {
        device.write(4096, ByteBuffer.wrap(new byte[4096]), false).get(10, TimeUnit.SECONDS);

        AllocationMap.Extent extent = device.extentAt(3584, 8 * MIB).get(10, TimeUnit.SECONDS);

        assertThat(extent).isEqualTo(new AllocationMap.Extent(3584, 512, false));
        assertThat(device.extentAt(4096, 8 * MIB).get(10, TimeUnit.SECONDS).mapped()).isTrue();
    }

    @Test
    void discardOutsideTheDeviceIsRefused() {
        assertThatThrownBy(() -> device.discard(8 * MIB, 512).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> device.extentAt(8 * MIB, 512).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readOnlyDeviceDoesNotDiscard() throws Exception {
        try (FileBlockDevice readOnly = FileBlockDevice.open(device.path(), 512, true, io)) {
            assertThat(readOnly.discardZeroes()).isFalse();
            assertThat(readOnly.extentAt(0, MIB).get(10, TimeUnit.SECONDS))
                    .isEqualTo(new AllocationMap.Extent(0, MIB, true));
        }
    }

    private long allocatedBytes() throws Exception {
        device.flush().get(10, TimeUnit.SECONDS);
        Process stat = new ProcessBuilder("stat", "-c", "%b", device.path().toString()).start();
        assertThat(stat.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String blocks = new String(stat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        return Long.parseLong(blocks.trim()) * 512; // st_blocks counts 512-byte units
    }
}
