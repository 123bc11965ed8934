package io.appliance.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResizableFileDeviceTest {

    @TempDir
    Path directory;

    private final ExecutorService io = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopThreads() throws InterruptedException {
        io.shutdown();
        assertThat(io.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void growKeepsDataAndServesTheNewSize() throws Exception {
        Path file = directory.resolve("lun.img");
        try (ResizableFileDevice device = ResizableFileDevice.create(file, 1 << 20, 512, false, io)) {
            device.write(0, ByteBuffer.wrap(pattern(512, (byte) 7)), true).get(10, TimeUnit.SECONDS);
            device.grow(4 << 20);

            assertThat(device.size()).isEqualTo(4 << 20);
            assertThat(Files.size(file)).isEqualTo(4 << 20);
            device.write((4 << 20) - 512, ByteBuffer.wrap(pattern(512, (byte) 9)), false).get(10, TimeUnit.SECONDS);
            ByteBuffer first = ByteBuffer.allocate(512);
            device.read(0, first).get(10, TimeUnit.SECONDS);
            assertThat(first.array()).containsOnly((byte) 7);
        }
    }

    @Test
    void growRefusesShrinkingAndOddSizes() throws Exception {
        try (ResizableFileDevice device = ResizableFileDevice.create(directory.resolve("lun.img"), 1 << 20, 512, false, io)) {
            assertThatThrownBy(() -> device.grow(512)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> device.grow((1 << 20) + 100)).isInstanceOf(IllegalArgumentException.class);
            assertThat(device.size()).isEqualTo(1 << 20);
        }
    }

    @Test
    void ioRacingAGrowCompletes() throws Exception {
        try (ResizableFileDevice device = ResizableFileDevice.create(directory.resolve("lun.img"), 1 << 20, 512, false, io)) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int round = 1; round <= 8; round++) {
                for (int i = 0; i < 64; i++) {
                    writes.add(device.write(i * 512L, ByteBuffer.wrap(pattern(512, (byte) i)), false));
                }
                device.grow((1L + round) << 20);
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(device.size()).isEqualTo(9L << 20);
            ByteBuffer block = ByteBuffer.allocate(512);
            device.read(63 * 512L, block).get(10, TimeUnit.SECONDS);
            assertThat(block.array()).containsOnly((byte) 63);
        }
    }

    @Test
    void aReadOnlyDeviceRefusesWrites() throws Exception {
        Path file = directory.resolve("ro.img");
        ResizableFileDevice.create(file, 1 << 20, 512, false, io).close();
        try (ResizableFileDevice device = ResizableFileDevice.open(file, 512, true, io)) {
            assertThat(device.readOnly()).isTrue();
            assertThat(device.write(0, ByteBuffer.allocate(512), false)).failsWithin(10, TimeUnit.SECONDS);
        }
    }

    private static byte[] pattern(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
