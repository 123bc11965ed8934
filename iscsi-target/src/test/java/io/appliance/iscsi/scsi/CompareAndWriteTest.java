package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCK;
import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCKS;
import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.filled;
import static io.appliance.iscsi.scsi.ScsiTestKit.pattern;
import static io.appliance.iscsi.scsi.ScsiTestKit.read10;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static io.appliance.iscsi.scsi.ScsiTestKit.start;
import static io.appliance.iscsi.scsi.ScsiTestKit.write10;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CompareAndWriteTest {

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort port = kit.open("iqn.1994-05.com.example:a");

    static byte[] compareAndWrite(int flags, long lba, int blocks) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x89;
        cdb[1] = (byte) flags;
        Cdb.putLong(cdb, 2, lba);
        cdb[13] = (byte) blocks;
        return cdb;
    }


    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private byte[] medium(long lba, int blocks) {
        return Arrays.copyOfRange(kit.device.contents(), (int) lba * BLOCK, (int) (lba + blocks) * BLOCK);
    }

    @Test
    void matchingVerifyDataWritesTheWriteData() {
        byte[] before = pattern(3 * BLOCK, 5);
        byte[] after = pattern(3 * BLOCK, 77);
        run(port, write10(20, 3), before).isGood();
        ScsiTestKit.Answer answer = run(port, compareAndWrite(0, 20, 3), concat(before, after)).isGood();
        assertThat(answer.transferLength).isEqualTo(6L * BLOCK);
        assertThat(medium(20, 3)).isEqualTo(after);
        assertThat(medium(23, 1)).isEqualTo(new byte[BLOCK]);
    }

    @Test
    void aDifferenceIsMiscompareWithItsByteOffsetAndWritesNothing() {
        byte[] before = pattern(2 * BLOCK, 9);
        run(port, write10(BLOCKS - 2, 2), before).isGood();
        byte[] verify = before.clone();
        verify[BLOCK + 17] ^= 0x40;
        ScsiTestKit.Answer answer = run(port, compareAndWrite(0, BLOCKS - 2, 2), concat(verify, filled(2 * BLOCK, 1)))
                .hasSense(0x0E, 0x1D, 0x00);
        assertThat(answer.information()).isEqualTo(BLOCK + 17L);
        assertThat(medium(BLOCKS - 2, 2)).isEqualTo(before);
    }

    @Test
    void dataOutThatIsNotTwiceTheBlocksIsInvalidFieldAtTheBlockCount() {
        run(port, compareAndWrite(0, 0, 1), new byte[4 * BLOCK]).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 13, -1);
        run(port, compareAndWrite(0, 0, 3), new byte[4 * BLOCK]).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 13, -1);
        run(port, compareAndWrite(0, 0, 2), new byte[4 * BLOCK - 8]).hasSense(0x05, 0x24, 0x00);
        assertThat(kit.device.reads.get()).isZero();
    }

    @Test
    void zeroBlocksDoNothingUnlessTheDataOutHoldsAWholePair() {
        ScsiTestKit.Answer answer = run(port, compareAndWrite(0x08, 0, 0), new byte[BLOCK]).isGood();
        assertThat(answer.transferLength).isZero();
        run(port, 0, compareAndWrite(0, 0, 0), null).isGood();
        assertThat(kit.device.reads.get()).isZero();
        run(port, compareAndWrite(0, 0, 0), new byte[4 * BLOCK]).hasSense(0x05, 0x24, 0x00);
    }

    @Test
    void rangeProtectionAndReservedBitsAreChecked() {
        run(port, compareAndWrite(0, BLOCKS - 1, 2), new byte[4 * BLOCK]).hasSense(0x05, 0x21, 0x00);
        run(port, compareAndWrite(0x20, 0, 1), new byte[2 * BLOCK]).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 5);
        byte[] groupReserved = compareAndWrite(0, 0, 1);
        groupReserved[14] = (byte) 0x20;
        run(port, groupReserved, new byte[2 * BLOCK]).hasSense(0x05, 0x24, 0x00);
        ScsiTestKit readOnly = new ScsiTestKit(true);
        run(readOnly.open("iqn.1994-05.com.example:ro"), compareAndWrite(0, 0, 1), new byte[2 * BLOCK])
                .hasSense(0x07, 0x27, 0x00);
    }

    @Test
    void fuaMakesTheWriteDurable() {
        run(port, compareAndWrite(0x18, 4, 1), new byte[2 * BLOCK]).isGood();
        assertThat(kit.device.forcedWrites.get()).isEqualTo(1);
        run(port, compareAndWrite(0, 4, 1), new byte[2 * BLOCK]).isGood();
        assertThat(kit.device.forcedWrites.get()).isEqualTo(1);
    }

    @Test
    void blockLimitsReportTheMaximumCompareAndWriteLength() {
        byte[] page = run(port, cdb(0x12, 1, 0xB0, 0, 255, 0)).isGood().data;
        assertThat(page[5] & 0xFF).isEqualTo(CompareAndWriteHandler.MAX_BLOCKS);
        byte[] filled = filled(CompareAndWriteHandler.MAX_BLOCKS * BLOCK, 3);
        run(port, write10(0, CompareAndWriteHandler.MAX_BLOCKS), filled).isGood();
        run(port, compareAndWrite(0, 0, CompareAndWriteHandler.MAX_BLOCKS), concat(filled, filled(filled.length, 4))).isGood();
        assertThat(medium(0, CompareAndWriteHandler.MAX_BLOCKS)).containsOnly(4);
    }

    @Test
    void aWriteArrivingDuringACompareAndWriteWaitsAndLandsAfterIt() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        kit.device.holdUntil(gate);
        CompletableFuture<ScsiResult> caw = start(port, compareAndWrite(0, 40, 2), new byte[2 * 2 * BLOCK]);
        kit.device.holdUntil(CompletableFuture.completedFuture(null));
        CompletableFuture<ScsiResult> write = start(port, write10(41, 1), filled(BLOCK, 0x30));
        assertThat(write).as("the write must not land between the compare and the write").isNotDone();
        gate.complete(null);
        assertThat(caw.get(5, TimeUnit.SECONDS).status()).isZero();
        assertThat(write.get(5, TimeUnit.SECONDS).status()).isZero();
        assertThat(medium(41, 1)).as("the write came last").isEqualTo(filled(BLOCK, 0x30));
    }

    /**
     * Four clients increment a counter in block 3 with COMPARE AND WRITE (read, compare the value
     * read, write value + 1, retry on MISCOMPARE) on a device completing every request on a pool
     * thread, while plain writes hit the next block. If two compare-and-writes could
     * interleave, both would succeed from the same value and the counter would end below the
     * number of successes.
     */
    @Test
    void racingCompareAndWritesNeverBothSucceedFromTheSameValue() throws Exception {
        ExecutorService io = Executors.newFixedThreadPool(4);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            MemoryBlockDevice memory = new MemoryBlockDevice(16, BLOCK);
            ScsiTarget target = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 7);
            LogicalUnit unit = new LogicalUnit(LunIdentity.derive(UUID.fromString("6a1c7d2e-8a3b-4c5d-9e6f-0a1b2c3d4e5f")),
                    new PoolCompletedDevice(memory, io), false);
            target.addLun(0, unit);
            ScsiNexusPort racing = target.openNexus(ScsiTestKit.nexus("iqn.1994-05.com.example:race"), Map.of());
            int incrementsPerClient = 50;
            AtomicInteger successes = new AtomicInteger();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int client = 0; client < 4; client++) {
                int id = client;
                workers.add(CompletableFuture.runAsync(() -> {
                    int done = 0;
                    while (done < incrementsPerClient && Instant.now().isBefore(deadline)) {
                        byte[] current = run(racing, read10(3, 2)).isGood().data;
                        long value = ByteBuffer.wrap(current).getLong();
                        byte[] next = current.clone();
                        ByteBuffer.wrap(next).putLong(value + 1);
                        next[BLOCK] = (byte) id;
                        byte[] verify = current.clone();
                        ScsiTestKit.Answer answer = runQuiet(racing, compareAndWrite(0, 3, 2), concat(verify, next));
                        if (answer.status == 0) {
                            done++;
                            successes.incrementAndGet();
                        } else {
                            assertThat(answer.sense[2] & 0x0F).as("only miscompares").isEqualTo(0x0E);
                        }
                        run(racing, write10(5, 1), filled(BLOCK, id)).isGood();
                    }
                }, clients));
            }
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(successes.get()).isEqualTo(4 * incrementsPerClient);
            long counter = ByteBuffer.wrap(memory.contents(), 3 * BLOCK, 8).getLong();
            assertThat(counter).as("increments lost by interleaved compare-and-writes").isEqualTo(successes.get());
            assertThat(unit.rangeLock().trackedOperations()).isZero();
        } finally {
            clients.shutdownNow();
            io.shutdownNow();
            assertThat(clients.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            assertThat(io.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static ScsiTestKit.Answer runQuiet(ScsiNexusPort port, byte[] cdb, byte[] dataOut) {
        return run(port, 0, cdb, Unpooled.wrappedBuffer(dataOut));
    }

}
