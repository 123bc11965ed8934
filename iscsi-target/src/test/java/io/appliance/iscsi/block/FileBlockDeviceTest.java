package io.appliance.iscsi.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
            assertFailsWith(onAnInterruptedThread(() -> device.read(0, ByteBuffer.allocate(512))),
                    ClosedByInterruptException.class);
            byte[] data = new byte[512];
            Arrays.fill(data, (byte) 7);
            await(device.write(0, ByteBuffer.wrap(data), true));
            ByteBuffer back = ByteBuffer.allocate(512);
            await(device.read(0, back));
            assertThat(back.array()).isEqualTo(data);
        }
    }

    @Test
    void directWritesBypassThePageCacheAndStayCoherentWithBufferedOnes() throws Exception {
        Path file = dir.resolve("direct.img");
        FileBlockDevice.create(file, 8 << 20, 512, io).close();
        try (FileBlockDevice device = FileBlockDevice.open(file, 512, false, io, FileBlockDevice.WriteCaching.DIRECT)) {
            assertThat(device.directWrites()).as("this file system takes O_DIRECT").isEqualTo(jdkOpensDirect(file));
            if (device.directWrites()) {
                assertThat(openFlagsOf(file)).as("one descriptor of the file has O_DIRECT")
                        .anyMatch(flags -> (flags & O_DIRECT) != 0);
            }
            byte[] page = filled(4096, 0x11);
            await(device.write(8192, ByteBuffer.wrap(page), false));
            assertThat(readBack(device, 8192, 4096)).isEqualTo(page);

            // a 512-byte write is not aligned to the file system's block: it goes through the page cache
            byte[] sector = filled(512, 0x22);
            await(device.write(8192 + 512, ByteBuffer.wrap(sector), false));
            byte[] mixed = page.clone();
            System.arraycopy(sector, 0, mixed, 512, 512);
            assertThat(readBack(device, 8192, 4096)).isEqualTo(mixed);

            // a direct write over the cached page: later reads see it, not the page cache's old copy
            byte[] again = filled(4096, 0x33);
            await(device.write(8192, ByteBuffer.wrap(again), true));
            assertThat(readBack(device, 8192, 4096)).isEqualTo(again);

            // more than one piece of the per-thread buffer, from a heap buffer with a position
            byte[] large = new byte[(3 << 20) + 4096];
            new java.util.Random(5).nextBytes(large);
            ByteBuffer src = ByteBuffer.allocate(large.length + 100).position(100);
            src.put(large).position(100);
            await(device.write(1 << 20, src, false));
            assertThat(src.hasRemaining()).as("the write consumed its buffer").isFalse();
            await(device.flush());
            assertThat(readBack(device, 1 << 20, large.length)).isEqualTo(large);
            try (FileChannel independent = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer onFile = ByteBuffer.allocate(large.length);
                independent.read(onFile, 1 << 20);
                assertThat(onFile.array()).isEqualTo(large);
            }
        }
    }

    @Test
    void anInterruptedDirectWriteFailsButLaterDirectWritesWork() throws Exception {
        Path file = dir.resolve("direct-interrupt.img");
        FileBlockDevice.create(file, 1 << 20, 512, io).close();
        Executor inline = Runnable::run;
        try (FileBlockDevice device = FileBlockDevice.open(file, 512, false, inline,
                FileBlockDevice.WriteCaching.DIRECT)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(device.directWrites(), "this file system refuses O_DIRECT");
            assertFailsWith(onAnInterruptedThread(() -> device.write(0, ByteBuffer.wrap(filled(4096, 1)), false)),
                    ClosedByInterruptException.class);
            byte[] page = filled(4096, 9);
            await(device.write(4096, ByteBuffer.wrap(page), true));
            assertThat(readBack(device, 4096, 4096)).isEqualTo(page);
            assertThat(openFlagsOf(file)).as("the reopened descriptor has O_DIRECT again")
                    .anyMatch(flags -> (flags & O_DIRECT) != 0);
        }
    }

    /** O_DIRECT in open(2) flags (octal 040000 on x86-64 and arm64), as /proc/self/fdinfo shows them. */
    private static final int O_DIRECT = 040000;

    private static boolean jdkOpensDirect(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
                com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            return channel.isOpen();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The open(2) flags of this process's descriptors of {@code file}. */
    private static java.util.List<Integer> openFlagsOf(Path file) throws IOException {
        Path real = file.toRealPath();
        java.util.List<Integer> flags = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors.toList()) {
                try {
                    if (!Files.readSymbolicLink(descriptor).equals(real)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", descriptor.getFileName().toString()))) {
                        if (line.startsWith("flags:")) {
                            flags.add(Integer.parseInt(line.substring("flags:".length()).strip(), 8));
                        }
                    }
                } catch (IOException gone) {
                    // a descriptor closed while we looked
                }
            }
        }
        return flags;
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] readBack(FileBlockDevice device, long offset, int length) throws Exception {
        ByteBuffer back = ByteBuffer.allocate(length);
        await(device.read(offset, back));
        return back.array();
    }

    /** Issues the request on a fresh thread whose interrupt flag is set (with an inline executor, the I/O runs there). */
    private static CompletableFuture<Void> onAnInterruptedThread(java.util.function.Supplier<CompletableFuture<Void>> request)
            throws InterruptedException {
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        Thread interrupted = new Thread(() -> {
            Thread.currentThread().interrupt();
            request.get().whenComplete((v, e) -> {
                if (e != null) {
                    outcome.completeExceptionally(e);
                } else {
                    outcome.complete(null);
                }
            });
        });
        interrupted.start();
        interrupted.join(10_000);
        return outcome;
    }

    private static void assertFailsWith(CompletableFuture<?> future, Class<? extends Throwable> type) {
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(type);
    }
}
