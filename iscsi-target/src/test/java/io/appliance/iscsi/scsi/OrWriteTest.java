package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCK;
import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCKS;
import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.filled;
import static io.appliance.iscsi.scsi.ScsiTestKit.pattern;
import static io.appliance.iscsi.scsi.ScsiTestKit.read10;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static io.appliance.iscsi.scsi.ScsiTestKit.sixteen;
import static io.appliance.iscsi.scsi.ScsiTestKit.start;
import static io.appliance.iscsi.scsi.ScsiTestKit.write10;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OrWriteTest {

    private static final int OPCODE = 0x8B;

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort port = kit.open("iqn.1994-05.com.example:a");

    private static byte[] orWrite(int flags, long lba, long blocks) {
        return sixteen(OPCODE, flags, lba, blocks);
    }


    private byte[] medium(long lba, int blocks) {
        return Arrays.copyOfRange(kit.device.contents(), (int) lba * BLOCK, (int) (lba + blocks) * BLOCK);
    }

    @Test
    void orsTheDataOutIntoTheBlocks() {
        byte[] before = pattern(3 * BLOCK, 11);
        byte[] mask = pattern(3 * BLOCK, 97);
        run(port, write10(50, 3), before).isGood();
        ScsiTestKit.Answer answer = run(port, orWrite(0, 50, 3), mask).isGood();
        assertThat(answer.transferLength).isEqualTo(3L * BLOCK);
        byte[] expected = new byte[3 * BLOCK];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (before[i] | mask[i]);
        }
        assertThat(run(port, read10(50, 3)).isGood().data).isEqualTo(expected);
        assertThat(medium(49, 1)).isEqualTo(new byte[BLOCK]);
        assertThat(medium(53, 1)).isEqualTo(new byte[BLOCK]);
    }

    @Test
    void a5ThenFiveAOnZeroesGivesAllOnesAtBothEndsOfTheUnit() {
        for (long lba : new long[] {0, BLOCKS - 4}) {
            run(port, orWrite(0, lba, 4), filled(4 * BLOCK, 0xA5)).isGood();
            assertThat(medium(lba, 4)).isEqualTo(filled(4 * BLOCK, 0xA5));
            run(port, orWrite(0, lba, 4), filled(4 * BLOCK, 0x5A)).isGood();
            assertThat(medium(lba, 4)).isEqualTo(filled(4 * BLOCK, 0xFF));
        }
    }

    @Test
    void zeroBlocksIsGoodAndTouchesNothingButTheLbaIsStillChecked() {
        ScsiTestKit.Answer answer = run(port, 0, orWrite(0, 0, 0), null).isGood();
        assertThat(answer.transferLength).isZero();
        assertThat(kit.device.reads.get()).isZero();
        run(port, 0, orWrite(0, BLOCKS, 0), null).isGood();
        run(port, 0, orWrite(0, BLOCKS + 1, 0), null).hasSense(0x05, 0x21, 0x00);
        run(port, 0, orWrite(0, Long.MIN_VALUE, 0), null).hasSense(0x05, 0x21, 0x00);
        run(port, 0, orWrite(0, -1L, 0), null).hasSense(0x05, 0x21, 0x00);
    }

    @Test
    void rangesPastTheEndAreLbaOutOfRangeAndWriteNothing() {
        run(port, orWrite(0, BLOCKS - 1, 2), filled(2 * BLOCK, 0xFF)).hasSense(0x05, 0x21, 0x00);
        run(port, orWrite(0, BLOCKS, 1), filled(BLOCK, 0xFF)).hasSense(0x05, 0x21, 0x00);
        run(port, orWrite(0, -1L, 1), filled(BLOCK, 0xFF)).hasSense(0x05, 0x21, 0x00);
        assertThat(medium(BLOCKS - 1, 1)).isEqualTo(new byte[BLOCK]);
        assertThat(kit.device.reads.get()).isZero();
    }

    @Test
    void nonZeroOrprotectIsInvalidFieldInCdb() {
        for (int orprotect = 1; orprotect < 8; orprotect++) {
            run(port, orWrite(orprotect << 5, 0, 1), filled(BLOCK, 0xFF))
                    .hasSense(0x05, 0x24, 0x00)
                    .hasFieldPointer(true, 1, 31 - Integer.numberOfLeadingZeros(orprotect) + 5);
        }
        assertThat(medium(0, 1)).isEqualTo(new byte[BLOCK]);
    }

    @Test
    void reservedBitsAreInvalidFieldInCdb() {
        byte[] reserved = orWrite(0, 0, 1);
        reserved[14] = 0x20;
        run(port, reserved, filled(BLOCK, 1)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 14, 5);
    }

    @Test
    void readOnlyUnitIsWriteProtected() {
        ScsiTestKit readOnly = new ScsiTestKit(true);
        ScsiNexusPort p = readOnly.open("iqn.1994-05.com.example:ro");
        ScsiTestKit.Answer answer = run(p, orWrite(0, 0, 1), filled(BLOCK, 0xFF)).hasSense(0x07, 0x27, 0x00);
        assertThat(answer.transferLength).isEqualTo(BLOCK);
        assertThat(readOnly.device.contents()[0]).isZero();
    }

    @Test
    void fuaForcesTheWriteAndDpoIsAccepted() {
        run(port, orWrite(0x10, 0, 1), filled(BLOCK, 1)).isGood();
        assertThat(kit.device.forcedWrites.get()).isZero();
        run(port, orWrite(0x08, 0, 1), filled(BLOCK, 2)).isGood();
        assertThat(kit.device.forcedWrites.get()).isEqualTo(1);
        run(port, orWrite(0x18, 0, 1), filled(BLOCK, 4)).isGood();
        assertThat(kit.device.forcedWrites.get()).isEqualTo(2);
        assertThat(medium(0, 1)).isEqualTo(filled(BLOCK, 7));
    }

    @Test
    void writeCacheDisabledForcesEveryOrWrite() {
        byte[] page = new byte[] {0, 0, 0, 0, 0x08, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        run(port, cdb(0x15, 0x10, 0, 0, page.length, 0), page).isGood();
        run(port, orWrite(0, 0, 1), filled(BLOCK, 1)).isGood();
        assertThat(kit.device.forcedWrites.get()).isEqualTo(1);
    }

    @Test
    void shortDataOutOrsTheWholeBlocksReceivedAndAPartialBlockIsRefused() {
        run(port, write10(20, 2), filled(2 * BLOCK, 0x01)).isGood();
        ScsiTestKit.Answer answer = run(port, orWrite(0, 20, 2), filled(BLOCK, 0x10)).isGood();
        assertThat(answer.transferLength).isEqualTo(2L * BLOCK);
        assertThat(medium(20, 1)).isEqualTo(filled(BLOCK, 0x11));
        assertThat(medium(21, 1)).isEqualTo(filled(BLOCK, 0x01));
        ScsiTestKit.Answer none = run(port, 0, orWrite(0, 20, 1), null).isGood();
        assertThat(none.transferLength).isEqualTo(BLOCK);
        run(port, orWrite(0, 20, 1), new byte[BLOCK - 8]).hasSense(0x05, 0x0E, 0x03);
        assertThat(medium(20, 1)).isEqualTo(filled(BLOCK, 0x11));
    }

    @Test
    void moreDataOutThanTheCdbAsksForOrsOnlyTheCdbsBlocks() {
        run(port, orWrite(0, 30, 1), filled(2 * BLOCK, 0x0F)).isGood();
        assertThat(medium(30, 1)).isEqualTo(filled(BLOCK, 0x0F));
        assertThat(medium(31, 1)).isEqualTo(new byte[BLOCK]);
    }

    @Test
    void transferLongerThanTheBlockLimitIsInvalidFieldAtTheLengthField() {
        long tooMany = LogicalUnit.MAX_TRANSFER_BYTES / BLOCK + 1;
        kit.device.resize(tooMany + 10);
        run(port, 0, orWrite(0, 0, tooMany), null).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 10, -1);
    }

    @Test
    void ioFailuresAreMediumErrorsAndReleaseTheRange() {
        kit.device.failReads(true);
        assertThat(run(port, orWrite(0, 77, 1), filled(BLOCK, 1)).hasSense(0x03, 0x11, 0x00).information()).isEqualTo(77);
        kit.device.failReads(false);
        kit.device.failWrites(true);
        assertThat(run(port, orWrite(0, 78, 1), filled(BLOCK, 1)).hasSense(0x03, 0x0C, 0x00).information()).isEqualTo(78);
        kit.device.failWrites(false);
        run(port, orWrite(0, 77, 2), filled(2 * BLOCK, 3)).isGood();
        assertThat(medium(77, 2)).isEqualTo(filled(2 * BLOCK, 3));
        assertThat(kit.unit.rangeLock().trackedOperations()).isZero();
    }

    @Test
    void aWriteArrivingDuringAnOrWriteWaitsAndLandsAfterIt() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        kit.device.holdUntil(gate);
        CompletableFuture<ScsiResult> or = start(port, orWrite(0, 40, 2), filled(2 * BLOCK, 0x0F));
        kit.device.holdUntil(CompletableFuture.completedFuture(null));
        CompletableFuture<ScsiResult> write = start(port, write10(41, 1), filled(BLOCK, 0x30));
        assertThat(write).as("the write must not land between the ORWRITE's read and write").isNotDone();
        gate.complete(null);
        assertThat(or.get(5, TimeUnit.SECONDS).status()).isZero();
        assertThat(write.get(5, TimeUnit.SECONDS).status()).isZero();
        assertThat(medium(40, 1)).isEqualTo(filled(BLOCK, 0x0F));
        assertThat(medium(41, 1)).as("the write came last").isEqualTo(filled(BLOCK, 0x30));
    }

    @Test
    void anOrWriteArrivingDuringAWriteWaitsForIt() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        kit.device.holdUntil(gate);
        CompletableFuture<ScsiResult> write = start(port, write10(60, 1), filled(BLOCK, 0x30));
        kit.device.holdUntil(CompletableFuture.completedFuture(null));
        CompletableFuture<ScsiResult> or = start(port, orWrite(0, 60, 1), filled(BLOCK, 0x03));
        assertThat(or).isNotDone();
        assertThat(kit.device.reads.get()).as("the ORWRITE has not read yet").isZero();
        gate.complete(null);
        assertThat(write.get(5, TimeUnit.SECONDS).status()).isZero();
        assertThat(or.get(5, TimeUnit.SECONDS).status()).isZero();
        assertThat(medium(60, 1)).isEqualTo(filled(BLOCK, 0x33));
    }

    /**
     * 1024 ORWRITEs, each setting one distinct bit of block 7 through ranges of 1-4 blocks that
     * contain it, race with each other and with plain writes to blocks 5 and 8 (inside some of
     * those ranges) on a device that
     * completes every request on a pool thread. A read-modify-write that interleaved with another
     * would lose a bit.
     */
    @Test
    void racingOrWritesOnTheSameBlockLoseNoBit() throws Exception {
        ExecutorService io = Executors.newFixedThreadPool(4);
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try {
            MemoryBlockDevice memory = new MemoryBlockDevice(64, BLOCK);
            ScsiTarget target = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 7);
            LogicalUnit unit = new LogicalUnit(LunIdentity.derive(UUID.fromString("4f1c7d2e-8a3b-4c5d-9e6f-0a1b2c3d4e5f")),
                    new PoolCompletedDevice(memory, io), false);
            target.addLun(0, unit);
            ScsiNexusPort racing = target.openNexus(ScsiTestKit.nexus("iqn.1994-05.com.example:race"), Map.of());
            int bits = 1024;
            List<CompletableFuture<ScsiResult>> results = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Void>> submitted = new ArrayList<>();
            for (int bit = 0; bit < bits; bit++) {
                int b = bit;
                submitted.add(CompletableFuture.runAsync(() -> {
                    int blocksBefore = b % 3;
                    int first = 7 - blocksBefore;
                    int count = blocksBefore + 1 + (b / 3) % 2;
                    byte[] mask = new byte[count * BLOCK];
                    mask[blocksBefore * BLOCK + b / 8] = (byte) (1 << (b % 8));
                    results.add(start(racing, orWrite(0, first, count), mask));
                    if (b % 8 == 0) {
                        results.add(start(racing, write10(b % 16 == 0 ? 5 : 8, 1), filled(BLOCK, b)));
                    }
                }, submitters));
            }
            CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(results).hasSize(bits + bits / 8);
            for (CompletableFuture<ScsiResult> result : results) {
                assertThat(result.get(20, TimeUnit.SECONDS).status()).isZero();
            }
            byte[] block7 = Arrays.copyOfRange(memory.contents(), 7 * BLOCK, 8 * BLOCK);
            List<Integer> lost = new ArrayList<>();
            for (int bit = 0; bit < bits; bit++) {
                if ((block7[bit / 8] & (1 << (bit % 8))) == 0) {
                    lost.add(bit);
                }
            }
            assertThat(lost).as("bits lost by interleaved read-modify-writes").isEmpty();
            assertThat(Arrays.copyOfRange(block7, bits / 8, BLOCK)).as("bytes no ORWRITE touched").containsOnly(0);
            assertThat(unit.rangeLock().trackedOperations()).isZero();
        } finally {
            submitters.shutdownNow();
            io.shutdownNow();
            assertThat(submitters.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            assertThat(io.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

}
