package io.appliance.replication.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.replication.ReplicationProtocol;
import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.block.FileBlockDevice;
import io.appliance.replication.state.DiskState;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A JMH-less microbenchmark of the write path: 32 writers keep 4 KiB random writes in flight on
 * the replicated device of two nodes on loopback (file backings), and the same load on one plain
 * file device. Prints IOPS and the ratio (the report's figures); asserts that every write
 * completed and that the replicated disk kept at least a small fraction of the plain rate, so
 * that a stalled path fails.
 *
 * <p>Not part of the test suite (the name does not end in Test): run it on demand with
 * {@code mvn -pl replication test -Dtest=WriteIopsBenchmark}.
 */
class WriteIopsBenchmark {
    private static final long BACKING = 64L << 20;
    private static final int DEPTH = 32;
    private static final int BLOCK = 4096;
    private static final Duration WARM_UP = Duration.ofMillis(300);
    private static final Duration MEASURED = Duration.ofMillis(1000);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = ReplicationProtocol.class, names = {"A", "C"})
    void fourKibRandomWritesAtDepth32(ReplicationProtocol protocol) throws Exception {
        double plain;
        ExecutorService plainThreads = Executors.newFixedThreadPool(4);
        try (BlockDevice file = FileBlockDevice.create(dir.resolve("plain.img"), BACKING, 512, plainThreads)) {
            plain = iops(file, BACKING - (1 << 20));
        } finally {
            plainThreads.shutdownNow();
        }
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().protocol(protocol).build())) {
            nodes.createAndConnect();
            nodes.r1.newCurrentUuid(true);
            nodes.awaitBoth(s -> s.disk() == DiskState.UP_TO_DATE && s.peerDisk() == DiskState.UP_TO_DATE);
            nodes.r1.primary(false);
            double replicated = iops(nodes.r1.device(), nodes.r1.status().sizeBytes());
            System.out.printf("WRITE-IOPS protocol %s: replicated %.0f, plain file %.0f, ratio %.2f%n", protocol,
                    replicated, plain, replicated / plain);
            assertThat(replicated).as("replicated IOPS").isGreaterThan(500);
            assertThat(nodes.r1.status().outOfSyncBytes()).isZero();
        }
    }

    /** Writes for warm-up + measured time with DEPTH requests in flight; the IOPS of the measured part. */
    private static double iops(BlockDevice device, long size) throws Exception {
        long blocks = size / BLOCK;
        AtomicLong completed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + WARM_UP.toNanos();
        long stopAt = measureFrom + MEASURED.toNanos();
        AtomicLong atMeasureStart = new AtomicLong(-1);
        CompletableFuture<Void> allDone = new CompletableFuture<>();
        AtomicLong running = new AtomicLong(DEPTH);
        for (int writer = 0; writer < DEPTH; writer++) {
            SplittableRandom random = new SplittableRandom(writer);
            ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
            issue(device, blocks, random, buffer, completed, measureFrom, stopAt, atMeasureStart, running, allDone);
        }
        allDone.get(30, TimeUnit.SECONDS);
        long measured = completed.get() - Math.max(0, atMeasureStart.get());
        return measured / (MEASURED.toNanos() / 1e9);
    }

    private static void issue(BlockDevice device, long blocks, SplittableRandom random, ByteBuffer buffer,
                              AtomicLong completed, long measureFrom, long stopAt, AtomicLong atMeasureStart,
                              AtomicLong running, CompletableFuture<Void> allDone) {
        long now = System.nanoTime();
        if (now >= measureFrom) {
            atMeasureStart.compareAndSet(-1, completed.get());
        }
        if (now >= stopAt) {
            if (running.decrementAndGet() == 0) {
                allDone.complete(null);
            }
            return;
        }
        long offset = random.nextLong(blocks) * BLOCK;
        buffer.clear();
        buffer.putLong(0, now);
        device.write(offset, buffer.duplicate(), false).whenComplete((ignored, error) -> {
            if (error != null) {
                allDone.completeExceptionally(error);
                return;
            }
            completed.incrementAndGet();
            issue(device, blocks, random, buffer, completed, measureFrom, stopAt, atMeasureStart, running, allDone);
        });
    }
}
