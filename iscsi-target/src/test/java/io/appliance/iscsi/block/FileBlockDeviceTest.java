package io.appliance.iscsi.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlockDeviceTest {

    @TempDir
    Path dir;

    private final ExecutorService io = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopPool() throws InterruptedException {
        io.shutdownNow();
        assertThat(io.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void createMakesASparseFileRoundedToTheBlockAndParentDirectories() throws Exception {
        Path file = dir.resolve("a/b/disk.img");
        try (FileBlockDevice device = FileBlockDevice.create(file, (1L << 30) + 100, 4096, io)) {
            assertThat(device.size()).isEqualTo(1L << 30);
            assertThat(device.blockSize()).isEqualTo(4096);
            assertThat(device.path()).isEqualTo(file);
            assertThat(device.discardZeroes()).as("the temp file system punches holes").isTrue();
        }
        assertThat(Files.size(file)).isEqualTo(1L << 30);
        Process du = new ProcessBuilder("du", "-k", file.toString()).redirectErrorStream(true).start();
        String usage = new String(du.getInputStream().readAllBytes()).trim().split("\\s+")[0];
        assertThat(du.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Long.parseLong(usage)).as("KiB allocated").isLessThan(1024);
    }

    @Test
    void createGrowsASmallerFileAndNeverShrinks() throws Exception {
        Path file = dir.resolve("disk.img");
        FileBlockDevice.create(file, 8192, 512, io).close();
        try (FileBlockDevice grown = FileBlockDevice.create(file, 16384, 512, io)) {
            assertThat(grown.size()).isEqualTo(16384);
        }
        try (FileBlockDevice kept = FileBlockDevice.create(file, 4096, 512, io)) {
            assertThat(kept.size()).isEqualTo(16384);
        }
        assertThat(Files.size(file)).isEqualTo(16384);
    }

    @Test
    void growExtendsTheOpenDeviceAndNeverShrinksIt() throws Exception {
        Path file = dir.resolve("g.img");
        try (FileBlockDevice device = FileBlockDevice.create(file, 8192, 512, io)) {
            assertThat(device.grow(16384 + 100)).isEqualTo(16384);
            assertThat(device.size()).isEqualTo(16384);
            await(device.write(16384 - 512, ByteBuffer.allocate(512), false));
            assertThat(device.grow(4096)).isEqualTo(16384);
        }
        assertThat(Files.size(file)).isEqualTo(16384);
    }

    @Test
    void openRoundsDownAndRefusesBadArguments() throws Exception {
        Path file = dir.resolve("odd.img");
        Files.write(file, new byte[4096 + 300]);
        try (FileBlockDevice device = FileBlockDevice.open(file, 512, false, io)) {
            assertThat(device.size()).isEqualTo(4096);
        }
        assertThatThrownBy(() -> FileBlockDevice.open(file, 1000, false, io)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FileBlockDevice.open(dir.resolve("absent"), 512, false, io)).isInstanceOf(IOException.class);
        Files.write(dir.resolve("tiny"), new byte[100]);
        assertThatThrownBy(() -> FileBlockDevice.open(dir.resolve("tiny"), 512, false, io))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesReadBackAndUnwrittenRegionsReadAsZeros() throws Exception {
        try (FileBlockDevice device = FileBlockDevice.create(dir.resolve("d.img"), 1 << 20, 512, io)) {
            byte[] data = new byte[3 * 512];
            Arrays.fill(data, (byte) 0x5A);
            await(device.write(4096, ByteBuffer.wrap(data), false));
            await(device.write(8192, ByteBuffer.wrap(data), true));
            await(device.flush());
            ByteBuffer back = ByteBuffer.allocateDirect(3 * 512);
            await(device.read(4096, back));
            back.flip();
            byte[] got = new byte[back.remaining()];
            back.get(got);
            assertThat(got).isEqualTo(data);
            ByteBuffer zeros = ByteBuffer.allocate(1024);
            await(device.read((1 << 20) - 1024, zeros));
            assertThat(zeros.array()).isEqualTo(new byte[1024]);
        }
    }

    @Test
    void requestsOutsideTheDeviceOrUnalignedFailWithIllegalArgument() throws Exception {
        try (FileBlockDevice device = FileBlockDevice.create(dir.resolve("d.img"), 4096, 512, io)) {
            assertFailsWith(device.read(4096, ByteBuffer.allocate(512)), IllegalArgumentException.class);
            assertFailsWith(device.read(100, ByteBuffer.allocate(512)), IllegalArgumentException.class);
            assertFailsWith(device.write(0, ByteBuffer.allocate(100), false), IllegalArgumentException.class);
            assertFailsWith(device.write(-512, ByteBuffer.allocate(512), false), IllegalArgumentException.class);
            assertFailsWith(device.discard(4096, 512), IllegalArgumentException.class);
            await(device.discard(0, 4096));
        }
    }

    @Test
    void readOnlyDeviceRefusesWrites() throws Exception {
        Path file = dir.resolve("ro.img");
        Files.write(file, new byte[4096]);
        try (FileBlockDevice device = FileBlockDevice.open(file, 512, true, io)) {
            assertThat(device.readOnly()).isTrue();
            assertFailsWith(device.write(0, ByteBuffer.allocate(512), false), IOException.class);
            await(device.read(0, ByteBuffer.allocate(512)));
            await(device.flush());
        }
    }

    @Test
    void closeIsIdempotentWaitsForAcceptedRequestsAndRefusesNewOnes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService held = Executors.newSingleThreadExecutor();
        try {
            FileBlockDevice device = FileBlockDevice.create(dir.resolve("c.img"), 8192, 512, held);
            held.execute(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<Void> accepted = device.write(0, ByteBuffer.allocate(512), false);
            device.close();
            device.close();
            assertFailsWith(device.read(0, ByteBuffer.allocate(512)), ClosedChannelException.class);
            release.countDown();
            await(accepted);
        } finally {
            held.shutdown();
            assertThat(held.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aRejectingExecutorFailsTheRequestWithIOException() throws Exception {
        ExecutorService stopped = Executors.newSingleThreadExecutor();
        stopped.shutdown();
        try (FileBlockDevice device = FileBlockDevice.create(dir.resolve("r.img"), 4096, 512, stopped)) {
            assertFailsWith(device.read(0, ByteBuffer.allocate(512)), IOException.class);
        }
    }

    @Test
    void anInterruptedIoThreadFailsItsRequestButDoesNotBreakTheDevice() throws Exception {
        Executor inline = Runnable::run;
        try (FileBlockDevice device = FileBlockDevice.create(dir.resolve("i.img"), 1 << 20, 512, inline)) {
            CompletableFuture<Void> interruptedRead = new CompletableFuture<>();
            Thread interrupted = new Thread(() -> {
                Thread.currentThread().interrupt();
                device.read(0, ByteBuffer.allocate(512)).whenComplete((v, e) -> {
                    if (e != null) {
                        interruptedRead.completeExceptionally(e);
                    } else {
                        interruptedRead.complete(null);
                    }
                });
            });
            interrupted.start();
            interrupted.join(10_000);
            assertFailsWith(interruptedRead, ClosedByInterruptException.class);
            byte[] data = new byte[512];
            Arrays.fill(data, (byte) 7);
            await(device.write(0, ByteBuffer.wrap(data), true));
            ByteBuffer back = ByteBuffer.allocate(512);
            await(device.read(0, back));
            assertThat(back.array()).isEqualTo(data);
        }
    }

    private static void assertFailsWith(CompletableFuture<?> future, Class<? extends Throwable> type) {
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(type);
    }
}
