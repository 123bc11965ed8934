package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.PersistentReservationTest.prin;
import static io.appliance.iscsi.scsi.PersistentReservationTest.prout;
import static io.appliance.iscsi.scsi.PersistentReservationTest.proutCdb;
import static io.appliance.iscsi.scsi.PersistentReservationTest.proutList;
import static io.appliance.iscsi.scsi.ScsiTestKit.TIMEOUT;
import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.read10;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static io.appliance.iscsi.scsi.ScsiTestKit.start;
import static io.appliance.iscsi.scsi.ScsiTestKit.write10;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PERSISTENT RESERVE OUT PREEMPT AND ABORT (SPC-4 §5.13.11.2.6): the preempted nexuses' commands
 * are aborted through the transport's {@link ScsiNexusPort.TaskSetAborter}, the command completes
 * after them, and the nexuses that lost commands learn it (2Fh/00h, TAS 0).
 */
class PreemptAndAbortTest {

    private static final int REGISTER = PersistentReservationTest.REGISTER;
    private static final int RESERVE = PersistentReservationTest.RESERVE;
    private static final int PREEMPT = PersistentReservationTest.PREEMPT;
    private static final int PREEMPT_AND_ABORT = PersistentReservationTest.PREEMPT_AND_ABORT;
    private static final int WRITE_EXCLUSIVE = 1;
    private static final long KEY_A = PersistentReservationTest.KEY_A;
    private static final long KEY_B = PersistentReservationTest.KEY_B;

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort a = kit.open("iqn.2024-01.test:a");
    private final ScsiNexusPort b = kit.open("iqn.2024-01.test:b");
    private final ScsiNexusPort c = kit.open("iqn.2024-01.test:c");
    private final CompletableFuture<Void> gate = new CompletableFuture<>();

    @AfterEach
    void releaseHeldIo() {
        gate.complete(null);
    }

    /** A transport's aborter: records the LUNs it is asked for and answers with {@code aborted}. */
    private static final class RecordingAborter implements ScsiNexusPort.TaskSetAborter {
        final List<Long> luns = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> asked = new CompletableFuture<>();
        private final Supplier<CompletableFuture<Integer>> aborted;

        RecordingAborter(Supplier<CompletableFuture<Integer>> aborted) {
            this.aborted = aborted;
        }

        static RecordingAborter nothing() {
            return new RecordingAborter(() -> CompletableFuture.completedFuture(0));
        }

        @Override
        public CompletableFuture<Integer> abortTaskSet(long lun) {
            luns.add(lun);
            asked.complete(null);
            return aborted.get();
        }
    }

    private static byte[] testUnitReady() {
        return cdb(0x00, 0, 0, 0, 0, 0);
    }

    private static void reportsAttention(ScsiNexusPort port, int asc, int ascq) {
        run(port, testUnitReady()).hasSense(SenseException.UNIT_ATTENTION, asc, ascq);
    }

    private static ScsiResult preemptAndAbort(CompletableFuture<ScsiResult> command) throws Exception {
        return command.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void completesOnlyAfterThePreemptedCommandsAreGoneAndLeavesThePreemptingNexusAlone() throws Exception {
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        prout(b, RESERVE, WRITE_EXCLUSIVE, KEY_B, 0).isGood();
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        kit.device.holdUntil(gate);
        CompletableFuture<ScsiResult> heldWrite = start(b, write10(0, 1), new byte[512]);
        CompletableFuture<ScsiResult> ownRead = start(a, read10(0, 1), new byte[0]);
        // b's transport: its task is gone once the SCSI layer has completed it
        RecordingAborter bAborter = new RecordingAborter(() -> heldWrite.thenApply(result -> 1));
        RecordingAborter aAborter = RecordingAborter.nothing();
        RecordingAborter cAborter = RecordingAborter.nothing();
        b.registerTaskSetAborter(bAborter);
        a.registerTaskSetAborter(aAborter);
        c.registerTaskSetAborter(cAborter);

        CompletableFuture<ScsiResult> preempt = start(a, proutCdb(PREEMPT_AND_ABORT, WRITE_EXCLUSIVE, 24),
                proutList(KEY_A, KEY_B, 0));
        bAborter.asked.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> preempt.get(200, TimeUnit.MILLISECONDS))
                .as("waits for the preempted write").isInstanceOf(TimeoutException.class);
        assertThat(heldWrite).isNotDone();

        gate.complete(null);
        assertThat(preemptAndAbort(preempt).status()).isEqualTo(ScsiResult.GOOD);
        assertThat(heldWrite).isDone();
        assertThat(bAborter.luns).containsExactly(0L);
        assertThat(aAborter.luns).as("the preempting nexus' commands are not aborted").isEmpty();
        assertThat(cAborter.luns).as("an unregistered nexus is not preempted").isEmpty();
        assertThat(ownRead.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).status()).isEqualTo(ScsiResult.GOOD);

        byte[] reservation = prin(a, 1);
        assertThat(Cdb.u64(reservation, 8)).isEqualTo(KEY_A);
        reportsAttention(b, 0x2A, 0x05);
        reportsAttention(b, 0x2F, 0x00);
        run(b, testUnitReady()).isGood();
        run(a, testUnitReady()).isGood();
        run(c, testUnitReady()).isGood();
    }

    @Test
    void everyNexusRegisteredWithTheKeyIsAbortedUnderItsOwnLun() throws Exception {
        ScsiNexusPort mapped = kit.target.openNexus(ScsiTestKit.nexus("iqn.2024-01.test:mapped"), Map.of(5, 0));
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        run(mapped, 5, proutCdb(REGISTER, 0, 24), Unpooled.wrappedBuffer(proutList(0, KEY_B, 0))).isGood();
        RecordingAborter bAborter = new RecordingAborter(() -> CompletableFuture.completedFuture(2));
        RecordingAborter mappedAborter = new RecordingAborter(() -> CompletableFuture.completedFuture(1));
        b.registerTaskSetAborter(bAborter);
        mapped.registerTaskSetAborter(mappedAborter);

        // no reservation: only the registrations with the key go (§5.13.11.2.5), and their commands
        ScsiResult result = preemptAndAbort(start(a, proutCdb(PREEMPT_AND_ABORT, WRITE_EXCLUSIVE, 24),
                proutList(KEY_A, KEY_B, 0)));
        assertThat(result.status()).isEqualTo(ScsiResult.GOOD);
        assertThat(bAborter.luns).containsExactly(0L);
        assertThat(mappedAborter.luns).as("the LUN that nexus addresses the unit by").containsExactly(5L);
        run(mapped, 5, testUnitReady(), null).hasSense(SenseException.UNIT_ATTENTION, 0x2A, 0x05);
        run(mapped, 5, testUnitReady(), null).hasSense(SenseException.UNIT_ATTENTION, 0x2F, 0x00);
        assertThat(Cdb.u32(prin(a, 0), 4)).as("only a's key remains").isEqualTo(8);
    }

    @Test
    void aNexusThatLostNoCommandGetsNoCommandsClearedAttention() throws Exception {
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        prout(b, RESERVE, WRITE_EXCLUSIVE, KEY_B, 0).isGood();
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        RecordingAborter bAborter = RecordingAborter.nothing();
        b.registerTaskSetAborter(bAborter);
        assertThat(preemptAndAbort(start(a, proutCdb(PREEMPT_AND_ABORT, WRITE_EXCLUSIVE, 24),
                proutList(KEY_A, KEY_B, 0))).status()).isEqualTo(ScsiResult.GOOD);
        assertThat(bAborter.luns).containsExactly(0L);
        reportsAttention(b, 0x2A, 0x05);
        run(b, testUnitReady()).isGood();
    }

    @Test
    void plainPreemptAndLostNexusesAbortNothing() throws Exception {
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        prout(c, REGISTER, 0, 0, KEY_B).isGood();
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        RecordingAborter bAborter = new RecordingAborter(() -> CompletableFuture.completedFuture(1));
        RecordingAborter cAborter = new RecordingAborter(() -> CompletableFuture.completedFuture(1));
        b.registerTaskSetAborter(bAborter);
        c.registerTaskSetAborter(cAborter);

        prout(a, PREEMPT, WRITE_EXCLUSIVE, KEY_A, KEY_B).isGood();
        assertThat(bAborter.luns).as("PREEMPT does not abort").isEmpty();
        reportsAttention(b, 0x2A, 0x05);
        reportsAttention(c, 0x2A, 0x05);
        run(b, testUnitReady()).isGood();
        assertThat(cAborter.luns).isEmpty();

        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        prout(c, REGISTER, 0, 0, KEY_B).isGood();
        b.nexusLost();
        assertThat(preemptAndAbort(start(a, proutCdb(PREEMPT_AND_ABORT, WRITE_EXCLUSIVE, 24),
                proutList(KEY_A, KEY_B, 0))).status()).isEqualTo(ScsiResult.GOOD);
        assertThat(bAborter.luns).as("a lost nexus' aborter is not called").isEmpty();
        assertThat(cAborter.luns).containsExactly(0L);
    }
}
