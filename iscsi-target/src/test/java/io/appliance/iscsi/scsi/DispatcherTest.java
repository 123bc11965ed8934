package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCK;
import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCKS;
import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.read10;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static io.appliance.iscsi.scsi.ScsiTestKit.sixteen;
import static io.appliance.iscsi.scsi.ScsiTestKit.write10;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DispatcherTest {

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort port = kit.open("iqn.1994-05.com.example:a");

    @Test
    void unknownOpcodeIsInvalidCommandOperationCode() {
        run(port, cdb(0xC0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).hasSense(0x05, 0x20, 0x00);
        run(port, cdb(0x4D, 0, 0, 0, 0, 0, 0, 0, 0, 0)).hasSense(0x05, 0x20, 0x00); // LOG SENSE
    }

    @Test
    void cdbShorterThanTheCommandIsInvalidField() {
        run(port, cdb(0x28, 0, 0, 0, 0, 0)).hasSense(0x05, 0x24, 0x00);
    }

    @Test
    void testUnitReadyStartStopAndPreventAllowSucceed() {
        run(port, cdb(0x00, 0, 0, 0, 0, 0)).isGood();
        run(port, cdb(0x1B, 1, 0, 0, 0x01, 0)).isGood();
        run(port, cdb(0x1B, 0, 0, 0, 0x00, 0)).isGood();
        run(port, cdb(0x1E, 0, 0, 0, 1, 0)).isGood();
        run(port, cdb(0x1E, 0, 0, 0, 0, 0)).isGood();
    }

    @Test
    void ejectingTheNonRemovableMediumIsRefused() {
        run(port, cdb(0x1B, 0, 0, 0, 0x02, 0)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 4, 1);
    }

    @Test
    void preFetchChecksTheRangeAndAnswersGood() {
        run(port, cdb(0x34, 0x02, 0, 0, 0, 0, 3, 0, 1, 0)).isGood();
        run(port, sixteen(0x90, 0, BLOCKS - 1, 1)).isGood();
        run(port, sixteen(0x90, 0, BLOCKS, 1)).hasSense(0x05, 0x21, 0x00);
    }

    @Test
    void synchronizeCacheFlushesAndChecksTheRange() {
        run(port, cdb(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0)).isGood();
        run(port, sixteen(0x91, 0, 0, 0)).isGood();
        assertThat(kit.device.flushes.get()).isEqualTo(2);
        run(port, sixteen(0x91, 0, BLOCKS, 1)).hasSense(0x05, 0x21, 0x00);
    }

    @Test
    void synchronizeCacheWithImmedAnswersBeforeTheFlushCompletes() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        kit.device.holdUntil(gate);
        CompletableFuture<ScsiResult> immediate = port.execute(command(cdb(0x35, 0x02, 0, 0, 0, 0, 0, 0, 0, 0)));
        assertThat(immediate.get(5, TimeUnit.SECONDS).status()).isZero();
        CompletableFuture<ScsiResult> waiting = port.execute(command(cdb(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        assertThat(waiting).isNotDone();
        gate.complete(null);
        assertThat(waiting.get(5, TimeUnit.SECONDS).status()).isZero();
    }

    @Test
    void aHandlerBugBecomesHardwareErrorAndTheCallerNeverSeesAnException() {
        LogicalUnit broken = new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), new MemoryBlockDevice(8, 512) {
            @Override
            public CompletableFuture<Void> read(long offset, java.nio.ByteBuffer dst) {
                throw new IllegalStateException("bug");
            }
        }, false);
        kit.target.addLun(1, broken);
        ScsiNexusPort p = kit.target.openNexus(ScsiTestKit.nexus("iqn.1994-05.com.example:b"), Map.of());
        run(p, 1, read10(0, 1), null).hasSense(0x04, 0x44, 0x00);
        run(p, 1, cdb(0, 0, 0, 0, 0, 0), null).isGood();
    }

    @Test
    void lunResetWaitsForRunningCommandsOfEveryNexus() throws Exception {
        ScsiNexusPort other = kit.open("iqn.1994-05.com.example:other");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        kit.device.holdUntil(gate);
        io.netty.buffer.ByteBuf data = io.netty.buffer.Unpooled.wrappedBuffer(new byte[BLOCK]);
        CompletableFuture<ScsiResult> running = other.execute(
                new ScsiCommand(other.nexus(), 0, write10(1, 1), 9, ScsiCommand.TaskAttribute.SIMPLE, 0, data));
        CompletableFuture<ScsiNexusPort.TaskManagementResult> reset = port.logicalUnitReset(0);
        assertThat(reset).isNotDone();
        kit.device.holdUntil(CompletableFuture.completedFuture(null));
        run(port, cdb(0x12, 0, 0, 0, 96, 0)).isGood();
        ScsiCommand later = new ScsiCommand(port.nexus(), 0, read10(0, 1), 10, ScsiCommand.TaskAttribute.SIMPLE, 0, null);
        ScsiResult laterResult = port.execute(later).get(5, TimeUnit.SECONDS);
        assertThat(laterResult.status()).isZero();
        laterResult.dataIn().release();
        assertThat(reset).as("a command started after the reset is not waited for").isNotDone();
        gate.complete(null);
        assertThat(running.get(5, TimeUnit.SECONDS).status()).isZero();
        data.release();
        assertThat(reset.get(5, TimeUnit.SECONDS)).isEqualTo(ScsiNexusPort.TaskManagementResult.FUNCTION_COMPLETE);
        run(other, cdb(0, 0, 0, 0, 0, 0)).hasSense(0x06, 0x29, 0x00);
    }

    private ScsiCommand command(byte[] cdb) {
        return new ScsiCommand(port.nexus(), 0, cdb, 9, ScsiCommand.TaskAttribute.SIMPLE, 0, null);
    }
}
