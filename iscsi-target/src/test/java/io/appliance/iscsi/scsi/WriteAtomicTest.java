package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCK;
import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.filled;
import static io.appliance.iscsi.scsi.ScsiTestKit.pattern;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static io.appliance.iscsi.scsi.ScsiTestKit.write10;
import static io.appliance.iscsi.scsi.ScsiTestKit.start;
import static io.appliance.iscsi.scsi.ScsiTestKit.write10;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAtomicTest {

    private static final LunIdentity IDENTITY = LunIdentity.derive(UUID.fromString("3c2a9f1e-7b4d-4e6a-8c1f-2d3e4f5a6b7c"));
    private static final long BLOCKS = 4096;

    @TempDir
    Path directory;

    private final MemoryBlockDevice device = new MemoryBlockDevice(BLOCKS, BLOCK);

    /** Counts the calls to a {@link FileAtomicWriteLog}. */
    private static final class CountingLog implements AtomicWriteLog {
        final FileAtomicWriteLog file;
        final AtomicInteger commits = new AtomicInteger();
        final AtomicInteger retires = new AtomicInteger();
        final CompletableFuture<Void> firstCommit = new CompletableFuture<>();

        CountingLog(Path file) {
            this.file = new FileAtomicWriteLog(file);
        }

        @Override
        public void commit(long offset, byte[] data) throws IOException {
            commits.incrementAndGet();
            file.commit(offset, data);
            firstCommit.complete(null);
        }

        @Override
        public void retire() throws IOException {
            retires.incrementAndGet();
            file.retire();
        }

        @Override
        public Optional<Record> pending() throws IOException {
            return file.pending();
        }
    }

    private CountingLog log;

    @BeforeEach
    void openLog() {
        log = new CountingLog(directory.resolve("lun0.atomic"));
    }

    static byte[] writeAtomic(int flags, long lba, int atomicBoundary, int blocks) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x9C;
        cdb[1] = (byte) flags;
        Cdb.putLong(cdb, 2, lba);
        Cdb.putShort(cdb, 10, atomicBoundary);
        Cdb.putShort(cdb, 12, blocks);
        return cdb;
    }

    private ScsiNexusPort portOn(LogicalUnit unit) {
        ScsiTarget target = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 7);
        target.addLun(0, unit);
        return target.openNexus(ScsiTestKit.nexus("iqn.1994-05.com.example:atomic"), Map.of());
    }

    private LogicalUnit unitWithLog(boolean readOnly) {
        return new LogicalUnit(IDENTITY, device, readOnly, new InMemoryReservationStore(), log);
    }

    private byte[] medium(long lba, int blocks) {
        return Arrays.copyOfRange(device.contents(), (int) lba * BLOCK, (int) (lba + blocks) * BLOCK);
    }

    @Test
    void anAtomicWriteIsCommittedWrittenWithFuaAndRetired() throws IOException {
        ScsiNexusPort port = portOn(unitWithLog(false));
        int retiresAtStart = log.retires.get();
        byte[] data = pattern(16 * BLOCK, 9);
        ScsiTestKit.Answer answer = run(port, writeAtomic(0, 100, 0, 16), data).isGood();
        assertThat(answer.transferLength).isEqualTo(16L * BLOCK);
        assertThat(medium(100, 16)).isEqualTo(data);
        assertThat(medium(116, 1)).isEqualTo(new byte[BLOCK]);
        assertThat(device.forcedWrites.get()).isEqualTo(1);
        assertThat(log.commits.get()).isEqualTo(1);
        assertThat(log.retires.get()).isEqualTo(retiresAtStart + 1);
        assertThat(new FileAtomicWriteLog(log.file.file()).pending()).isEmpty();
    }

    @Test
    void theLargestAtomicWriteAtTheEndOfTheUnitIsGood() {
        ScsiNexusPort port = portOn(unitWithLog(false));
        int max = LogicalUnit.MAX_ATOMIC_TRANSFER_BYTES / BLOCK;
        byte[] data = filled(max * BLOCK, 0x5A);
        run(port, writeAtomic(0, BLOCKS - max, 0, max), data).isGood();
        assertThat(medium(BLOCKS - max, max)).containsOnly(0x5A);
    }

    @Test
    void limitsBoundaryAndRangeAreChecked() {
        ScsiNexusPort port = portOn(unitWithLog(false));
        int max = LogicalUnit.MAX_ATOMIC_TRANSFER_BYTES / BLOCK;
        run(port, writeAtomic(0, 0, 1, 1), new byte[BLOCK]).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 10, -1);
        run(port, writeAtomic(0, 0, 0, max + 1), new byte[(max + 1) * BLOCK])
                .hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 12, -1);
        run(port, writeAtomic(0, BLOCKS - 1, 0, 2), new byte[2 * BLOCK]).hasSense(0x05, 0x21, 0x00);
        run(port, writeAtomic(0, BLOCKS - 4, 0, 8), new byte[8 * BLOCK]).hasSense(0x05, 0x21, 0x00);
        run(port, writeAtomic(0, 0x8000_0000_0000_0000L, 0, 1), new byte[BLOCK]).hasSense(0x05, 0x21, 0x00);
        run(port, writeAtomic(0x20, 0, 0, 1), new byte[BLOCK]).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 5);
        run(port, writeAtomic(0, 0, 0, 4), new byte[3 * BLOCK]).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 12, -1);
        assertThat(log.commits.get()).isZero();
        assertThat(device.contents()).containsOnly(0);
    }

    @Test
    void zeroBlocksAreGoodWithNothingDoneButTheLbaIsChecked() {
        ScsiNexusPort port = portOn(unitWithLog(false));
        run(port, 0, writeAtomic(0, 0, 0, 0), null).isGood();
        run(port, 0, writeAtomic(0, BLOCKS, 0, 0), null).isGood();
        run(port, 0, writeAtomic(0, BLOCKS + 1, 0, 0), null).hasSense(0x05, 0x21, 0x00);
        run(port, 0, writeAtomic(0, 0x8000_0000_0000_0000L, 0, 0), null).hasSense(0x05, 0x21, 0x00);
        run(port, 0, writeAtomic(0, -1L, 0, 0), null).hasSense(0x05, 0x21, 0x00);
        assertThat(log.commits.get()).isZero();
    }

    @Test
    void aReadOnlyUnitIsWriteProtected() {
        ScsiNexusPort port = portOn(unitWithLog(true));
        run(port, writeAtomic(0, 0, 0, 1), new byte[BLOCK]).hasSense(0x07, 0x27, 0x00);
        assertThat(log.commits.get()).isZero();
    }

    @Test
    void dpoAndFuaAreAcceptedAsModeSenseAndSupportedOperationCodesSay() {
        ScsiNexusPort port = portOn(unitWithLog(false));
        byte[] modeSense = run(port, cdb(0x1A, 0, 0x3F, 0, 255, 0)).isGood().data;
        assertThat(modeSense[2] & 0x10).as("DPOFUA").isNotZero();
        run(port, writeAtomic(0x10, 0, 0, 1), filled(BLOCK, 1)).isGood();
        run(port, writeAtomic(0x08, 0, 0, 1), filled(BLOCK, 2)).isGood();
        run(port, writeAtomic(0x18, 0, 0, 1), filled(BLOCK, 3)).isGood();
        assertThat(medium(0, 1)).containsOnly(3);

        byte[] one = run(port, cdb(0xA3, 0x0C, 0x01, 0x9C, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0)).isGood().data;
        assertThat(one[1] & 0x07).as("SUPPORT: supported").isEqualTo(3);
        assertThat(Cdb.u16(one, 2)).isEqualTo(16);
        assertThat(one[4] & 0xFF).isEqualTo(0x9C);
        assertThat(one[5] & 0x18).as("DPO and FUA in the CDB usage data").isEqualTo(0x18);
        assertThat(allCommandOpcodes(port)).contains(0x9C);
    }

    @Test
    void blockLimitsReportTheAtomicLimits() {
        ScsiNexusPort port = portOn(unitWithLog(false));
        byte[] page = run(port, cdb(0x12, 1, 0xB0, 0, 255, 0)).isGood().data;
        assertThat(Cdb.u16(page, 2)).as("PAGE LENGTH covers bytes 4-63").isEqualTo(0x3C);
        assertThat(Cdb.u32(page, 44)).as("MAXIMUM ATOMIC TRANSFER LENGTH").isEqualTo(2048);
        assertThat(Cdb.u32(page, 44)).isLessThanOrEqualTo(Cdb.u32(page, 8));
        assertThat(Cdb.u32(page, 48)).as("ATOMIC ALIGNMENT").isEqualTo(1);
        assertThat(Cdb.u32(page, 52)).as("ATOMIC TRANSFER LENGTH GRANULARITY").isEqualTo(1);
        assertThat(Cdb.u32(page, 56)).as("MAXIMUM ATOMIC TRANSFER LENGTH WITH ATOMIC BOUNDARY").isZero();
        assertThat(Cdb.u32(page, 60)).as("MAXIMUM ATOMIC BOUNDARY SIZE").isZero();
    }

    @Test
    void fourKibBlocksAllowAtMost256() {
        MemoryBlockDevice large = new MemoryBlockDevice(1024, 4096);
        ScsiNexusPort port = portOn(new LogicalUnit(IDENTITY, large, false, new InMemoryReservationStore(), log));
        byte[] page = run(port, cdb(0x12, 1, 0xB0, 0, 255, 0)).isGood().data;
        assertThat(Cdb.u32(page, 44)).isEqualTo(256);
        run(port, writeAtomic(0, 1024 - 256, 0, 256), filled(256 * 4096, 7)).isGood();
        run(port, writeAtomic(0, 0, 0, 257), new byte[257 * 4096]).hasSense(0x05, 0x24, 0x00);
    }

    @Test
    void aUnitWithoutALogDoesNotSupportTheCommand() {
        ScsiNexusPort port = portOn(new LogicalUnit(IDENTITY, device, false));
        run(port, writeAtomic(0, 0, 0, 1), new byte[BLOCK]).hasSense(0x05, 0x20, 0x00);
        byte[] page = run(port, cdb(0x12, 1, 0xB0, 0, 255, 0)).isGood().data;
        assertThat(Arrays.copyOfRange(page, 44, 64)).containsOnly(0);
        byte[] one = run(port, cdb(0xA3, 0x0C, 0x01, 0x9C, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0)).isGood().data;
        assertThat(one[1] & 0x07).as("SUPPORT: not supported").isEqualTo(1);
        assertThat(allCommandOpcodes(port)).doesNotContain(0x9C).contains(0x8A);
        assertThat(device.contents()).containsOnly(0);
    }

    @Test
    void aPlainWriteArrivingDuringAnAtomicWriteWaitsAndLandsAfterIt() throws Exception {
        LogicalUnit unit = unitWithLog(false);
        ScsiNexusPort port = portOn(unit);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        device.holdUntil(gate);
        CompletableFuture<ScsiResult> atomic = start(port, writeAtomic(0, 40, 0, 4), filled(4 * BLOCK, 0x11));
        CompletableFuture<ScsiResult> plain = start(port, write10(42, 1), filled(BLOCK, 0x22));
        assertThat(unit.rangeLock().trackedOperations()).as("the plain write waits in the range lock").isEqualTo(2);
        assertThat(medium(40, 4)).containsOnly(0);
        gate.complete(null);
        assertThat(atomic.get(5, TimeUnit.SECONDS).status()).isZero();
        assertThat(plain.get(5, TimeUnit.SECONDS).status()).isZero();
        assertThat(medium(40, 2)).containsOnly(0x11);
        assertThat(medium(42, 1)).as("the plain write came last").containsOnly(0x22);
        assertThat(medium(43, 1)).containsOnly(0x11);
    }

    @Test
    void anAtomicWriteWaitsForAnOverlappingPlainWriteAlreadyRunning() throws Exception {
        LogicalUnit unit = unitWithLog(false);
        ScsiNexusPort port = portOn(unit);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        device.holdUntil(gate);
        CompletableFuture<ScsiResult> plain = start(port, write10(41, 1), filled(BLOCK, 0x22));
        device.holdUntil(CompletableFuture.completedFuture(null));
        CompletableFuture<ScsiResult> atomic = start(port, writeAtomic(0, 40, 0, 4), filled(4 * BLOCK, 0x11));
        // absence of the commit, observed for a bounded time while the plain write is held
        assertThatThrownBy(() -> log.firstCommit.get(200, TimeUnit.MILLISECONDS))
                .as("not committed while the overlapping plain write runs").isInstanceOf(TimeoutException.class);
        gate.complete(null);
        assertThat(plain.get(5, TimeUnit.SECONDS).status()).isZero();
        assertThat(atomic.get(5, TimeUnit.SECONDS).status()).isZero();
        assertThat(medium(40, 4)).as("the atomic write came last, whole").containsOnly(0x11);
    }

    /**
     * Clients race atomic writes of the same 8 blocks, each filled with the writer's own value,
     * and plain writes of other blocks, on a device completing on pool threads: every write
     * succeeds through the one-slot log, the range ends holding one writer's data, and the log
     * holds no record and the range lock no operation afterwards.
     */
    @Test
    void racingAtomicWritesOnAPoolCompletedDeviceAllCompleteThroughTheOneSlot() throws Exception {
        ExecutorService io = Executors.newFixedThreadPool(4);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            LogicalUnit unit = new LogicalUnit(IDENTITY, new PoolCompletedDevice(device, io), false,
                    new InMemoryReservationStore(), log);
            ScsiNexusPort port = portOn(unit);
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int client = 0; client < 4; client++) {
                int id = client + 1;
                workers.add(CompletableFuture.runAsync(() -> {
                    for (int round = 0; round < 40; round++) {
                        run(port, writeAtomic(0, 8, 0, 8), filled(8 * BLOCK, id)).isGood();
                        run(port, write10(20 + id, 1), filled(BLOCK, id)).isGood();
                    }
                }, clients));
            }
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            byte[] range = medium(8, 8);
            assertThat(range).as("one atomic write's data only").containsOnly(range[0]);
            assertThat(log.commits.get()).isEqualTo(160);
            assertThat(log.pending()).isEmpty();
            assertThat(unit.rangeLock().trackedOperations()).isZero();
        } finally {
            clients.shutdownNow();
            io.shutdownNow();
            assertThat(clients.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            assertThat(io.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aCommittedRecordIsReplayedWhenTheUnitStarts() throws IOException {
        byte[] data = pattern(8 * BLOCK, 4);
        log.file.commit(64L * BLOCK, data); // the crash came after the commit, before the in-place write
        assertThat(device.contents()).containsOnly(0);

        LogicalUnit unit = unitWithLog(false);
        assertThat(medium(64, 8)).isEqualTo(data);
        assertThat(device.flushes.get()).isPositive();
        assertThat(new FileAtomicWriteLog(log.file.file()).pending()).isEmpty();
        run(portOn(unit), write10(64, 1), filled(BLOCK, 9)).isGood();
        unitWithLog(false);
        assertThat(medium(64, 1)).as("a later write is never undone by a second start").containsOnly(9);
    }

    @Test
    void aTornRecordIsNotReplayedAndIsCleared() throws IOException {
        log.file.commit(0, pattern(4 * BLOCK, 4));
        byte[] bytes = Files.readAllBytes(log.file.file());
        Files.write(log.file.file(), Arrays.copyOf(bytes, bytes.length - 100));
        unitWithLog(false);
        assertThat(device.contents()).containsOnly(0);
        assertThat(ByteBuffer.wrap(Files.readAllBytes(log.file.file())).getInt(8)).isEqualTo(FileAtomicWriteLog.RETIRED);

        log.file.commit(0, pattern(4 * BLOCK, 4));
        bytes = Files.readAllBytes(log.file.file());
        bytes[FileAtomicWriteLog.HEADER_BYTES + 3] ^= 0x10;
        Files.write(log.file.file(), bytes);
        unitWithLog(false);
        assertThat(device.contents()).containsOnly(0);
        assertThat(log.pending()).isEmpty();
    }

    @Test
    void aRecordThatDoesNotFitTheDeviceKeepsTheUnitOffline() throws IOException {
        log.file.commit(BLOCKS * BLOCK, new byte[BLOCK]);
        assertThatThrownBy(() -> unitWithLog(false)).isInstanceOf(UncheckedIOException.class);
        assertThat(log.pending()).as("kept for an operator").isPresent();
    }

    @Test
    void aTransientInPlaceFailureIsWrittenAgainFromTheRecordAndTheCommandIsGood() throws IOException {
        ScsiNexusPort port = portOn(unitWithLog(false));
        device.failNextWrites(1);
        run(port, writeAtomic(0, 10, 0, 2), filled(2 * BLOCK, 0x44)).isGood();
        assertThat(medium(10, 2)).containsOnly(0x44);
        assertThat(log.pending()).isEmpty();
    }

    /**
     * A failing medium: the command fails and the record is retired, so that a replay at the next start can
     * never overwrite a write acknowledged after it (the failed write's blocks may be torn, as on any medium
     * error); atomic writes work again once the medium does.
     */
    @Test
    void aFailingMediumFailsTheCommandAndRetiresTheRecordSoLaterWritesSurviveARestart() throws IOException {
        ScsiNexusPort port = portOn(unitWithLog(false));
        device.failWrites(true);
        run(port, writeAtomic(0, 10, 0, 2), filled(2 * BLOCK, 0x44)).hasSense(0x03, 0x0C, 0x00);
        assertThat(log.pending()).as("no replay of a write reported failed").isEmpty();
        device.failWrites(false);
        run(port, write10(10, 2), filled(2 * BLOCK, 0x55)).isGood();

        ScsiNexusPort restarted = portOn(unitWithLog(false));
        assertThat(medium(10, 2)).as("the acknowledged plain write survives the restart").containsOnly(0x55);
        run(restarted, writeAtomic(0, 30, 0, 1), filled(BLOCK, 1)).isGood();
        assertThat(medium(30, 1)).containsOnly(1);
    }

    private static List<Integer> allCommandOpcodes(ScsiNexusPort port) {
        byte[] all = run(port, cdb(0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0)).isGood().data;
        List<Integer> opcodes = new ArrayList<>();
        for (int offset = 4; offset + 8 <= 4 + Cdb.u32(all, 0); offset += 8) {
            opcodes.add(all[offset] & 0xFF);
        }
        return opcodes;
    }
}
