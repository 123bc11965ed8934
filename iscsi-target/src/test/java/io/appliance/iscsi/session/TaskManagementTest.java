package io.appliance.iscsi.session;

import static io.appliance.iscsi.session.TestInitiator.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.iscsi.pdu.LunField;
import io.appliance.iscsi.pdu.ScsiCommandPdu;
import io.appliance.iscsi.pdu.ScsiResponsePdu;
import io.appliance.iscsi.pdu.TaskManagementRequest;
import io.appliance.iscsi.pdu.TaskManagementResponse;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** RFC 7143 §11.5-§11.6: task management functions. */
@ExtendWith(LeakWatch.class)
class TaskManagementTest {

    private TargetFixture fixture;
    private TestInitiator initiator;

    @BeforeEach
    void start() throws Exception {
        fixture = new TargetFixture();
        initiator = fixture.connect();
        assertThat(initiator.login(TargetFixture.TARGET, keys()).statusClass()).isZero();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private int tmf(int function, long lun, int referencedTag, int refCmdSn) {
        int itt = initiator.newTag();
        initiator.send(new TaskManagementRequest(true, function, LunField.fromLunNumber(lun), itt, referencedTag,
                initiator.cmdSn, initiator.expStatSn, refCmdSn, 0));
        return itt;
    }

    private int response() throws InterruptedException {
        return initiator.expect(TaskManagementResponse.class).response();
    }

    @Test
    void abortingAnExecutingTaskWaitsForItAndSuppressesItsStatus() throws Exception {
        fixture.device.hold = true;
        int cmdSn = initiator.cmdSn;
        int itt = initiator.command(0, FakeScsiDevice.read10(0, 8), true, false, 4096, Unpooled.EMPTY_BUFFER, true);
        FakeScsiDevice.Execution execution = fixture.device.nextExecution(TestInitiator.WAIT);
        assertThat(execution).isNotNull();
        int tmfTag = tmf(TaskManagementRequest.ABORT_TASK, 0, itt, cmdSn);
        initiator.sync();
        execution.completeNormally(fixture.device);
        TaskManagementResponse response = initiator.expect(TaskManagementResponse.class);
        assertThat(response.initiatorTaskTag()).isEqualTo(tmfTag);
        assertThat(response.response()).isEqualTo(TaskManagementResponse.FUNCTION_COMPLETE);
        initiator.expectSilence(Duration.ofMillis(200));
    }

    @Test
    void abortingATaskWaitingForItsCmdSnDropsIt() throws Exception {
        int base = initiator.cmdSn;
        initiator.send(new ScsiCommandPdu(false, true, false, false, 1, 0, 0x61, 0, base + 1, initiator.expStatSn,
                FakeScsiDevice.testUnitReady(), Unpooled.EMPTY_BUFFER));
        initiator.send(new TaskManagementRequest(true, TaskManagementRequest.ABORT_TASK, 0, 0x62, 0x61, base + 2,
                initiator.expStatSn, base + 1, 0));
        assertThat(response()).isEqualTo(TaskManagementResponse.FUNCTION_COMPLETE);
        initiator.send(new ScsiCommandPdu(false, true, false, false, 1, 0, 0x60, 0, base, initiator.expStatSn,
                FakeScsiDevice.testUnitReady(), Unpooled.EMPTY_BUFFER));
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.initiatorTaskTag()).isEqualTo(0x60);
        assertThat(response.expCmdSn()).isEqualTo(base + 2);
        initiator.expectSilence(Duration.ofMillis(200));
        assertThat(fixture.device.history()).extracting(FakeScsiDevice.Execution::taskTag).containsExactly(0x60L);
    }

    @Test
    void abortingAnUnknownTaskDependsOnRefCmdSn() throws Exception {
        int base = initiator.cmdSn;
        tmf(TaskManagementRequest.ABORT_TASK, 0, 0x999, base - 5);
        assertThat(response()).as("RefCmdSN outside the window").isEqualTo(TaskManagementResponse.TASK_DOES_NOT_EXIST);
        initiator.send(new TaskManagementRequest(true, TaskManagementRequest.ABORT_TASK, 0, 0x70, 0x998, base + 1,
                initiator.expStatSn, base, 0));
        assertThat(response()).as("RefCmdSN in the window, never received").isEqualTo(TaskManagementResponse.FUNCTION_COMPLETE);
        // CmdSN `base` now counts as received: the next command is delivered at base + 1
        initiator.send(new ScsiCommandPdu(false, true, false, false, 1, 0, 0x71, 0, base + 1, initiator.expStatSn,
                FakeScsiDevice.testUnitReady(), Unpooled.EMPTY_BUFFER));
        assertThat(initiator.expect(ScsiResponsePdu.class).initiatorTaskTag()).isEqualTo(0x71);
    }

    @Test
    void logicalUnitResetAbortsTheLunsTasksAndResetsIt() throws Exception {
        fixture.device.hold = true;
        initiator.command(LunField.fromLunNumber(1), FakeScsiDevice.testUnitReady(), false, false, 0, Unpooled.EMPTY_BUFFER, true);
        FakeScsiDevice.Execution held = fixture.device.nextExecution(TestInitiator.WAIT);
        tmf(TaskManagementRequest.LOGICAL_UNIT_RESET, 1, 0, 0);
        initiator.sync();
        held.completeNormally(fixture.device);
        assertThat(response()).isEqualTo(TaskManagementResponse.FUNCTION_COMPLETE);
        assertThat(fixture.device.logicalUnitResets).hasValue(1);
        initiator.expectSilence(Duration.ofMillis(150));
        tmf(TaskManagementRequest.LOGICAL_UNIT_RESET, 7, 0, 0);
        assertThat(response()).isEqualTo(TaskManagementResponse.LUN_DOES_NOT_EXIST);
        assertThat(fixture.device.logicalUnitResets).hasValue(1);
    }

    @Test
    void abortTaskSetWaitsForTheAffectedTasks() throws Exception {
        fixture.device.hold = true;
        initiator.command(0, FakeScsiDevice.testUnitReady(), false, false, 0, Unpooled.EMPTY_BUFFER, true);
        initiator.command(0, FakeScsiDevice.testUnitReady(), false, false, 0, Unpooled.EMPTY_BUFFER, true);
        FakeScsiDevice.Execution one = fixture.device.nextExecution(TestInitiator.WAIT);
        FakeScsiDevice.Execution two = fixture.device.nextExecution(TestInitiator.WAIT);
        tmf(TaskManagementRequest.ABORT_TASK_SET, 0, 0, 0);
        initiator.sync();
        one.completeNormally(fixture.device);
        initiator.expectSilence(Duration.ofMillis(150));
        two.completeNormally(fixture.device);
        assertThat(response()).isEqualTo(TaskManagementResponse.FUNCTION_COMPLETE);
        initiator.expectSilence(Duration.ofMillis(150));
    }

    @Test
    void theDeviceServerAbortsOneLunsTasksWithoutStatusThroughTheRegisteredAborter() throws Exception {
        assertThat(fixture.device.aborters).as("the session registered its aborter on its port").hasSize(1);
        fixture.device.hold = true;
        int onLun0 = initiator.command(0, FakeScsiDevice.testUnitReady(), false, false, 0, Unpooled.EMPTY_BUFFER, true);
        int onLun1 = initiator.command(LunField.fromLunNumber(1), FakeScsiDevice.testUnitReady(), false, false, 0,
                Unpooled.EMPTY_BUFFER, true);
        FakeScsiDevice.Execution first = fixture.device.nextExecution(TestInitiator.WAIT);
        FakeScsiDevice.Execution second = fixture.device.nextExecution(TestInitiator.WAIT);
        FakeScsiDevice.Execution lun0 = first.lun() == 0 ? first : second;
        FakeScsiDevice.Execution lun1 = first.lun() == 0 ? second : first;
        assertThat(lun1.lun()).isEqualTo(1);

        CompletableFuture<Integer> aborted = fixture.device.aborters.get(0).abortTaskSet(0);
        assertThatThrownBy(() -> aborted.get(150, TimeUnit.MILLISECONDS))
                .as("the executing task is not gone yet").isInstanceOf(TimeoutException.class);
        lun0.completeNormally(fixture.device);
        assertThat(aborted.get(TestInitiator.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1);
        initiator.expectSilence(Duration.ofMillis(150));
        lun1.completeNormally(fixture.device);
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.initiatorTaskTag()).as("only LUN 1's task answers").isEqualTo(onLun1).isNotEqualTo(onLun0);
        assertThat(fixture.device.aborters.get(0).abortTaskSet(0).get(TestInitiator.WAIT.toMillis(),
                TimeUnit.MILLISECONDS)).as("nothing left to abort").isZero();
    }

    @Test
    void unsupportedFunctionsAnswerTheirCodes() throws Exception {
        tmf(TaskManagementRequest.CLEAR_ACA, 0, 0, 0);
        assertThat(response()).isEqualTo(TaskManagementResponse.FUNCTION_NOT_SUPPORTED);
        tmf(TaskManagementRequest.TASK_REASSIGN, 0, 0x5, 0);
        assertThat(response()).isEqualTo(TaskManagementResponse.REASSIGNMENT_NOT_SUPPORTED);
        tmf(0x33, 0, 0, 0);
        assertThat(response()).isEqualTo(TaskManagementResponse.FUNCTION_REJECTED);
    }

    @Test
    void targetWarmResetResetsAndColdResetAlsoDropsTheConnection() throws Exception {
        tmf(TaskManagementRequest.TARGET_WARM_RESET, 0, 0, 0);
        assertThat(response()).isEqualTo(TaskManagementResponse.FUNCTION_COMPLETE);
        assertThat(fixture.device.targetResets).hasValue(1);
        assertThat(initiator.isOpen()).isTrue();
        tmf(TaskManagementRequest.TARGET_COLD_RESET, 0, 0, 0);
        assertThat(response()).isEqualTo(TaskManagementResponse.FUNCTION_COMPLETE);
        assertThat(fixture.device.targetResets).hasValue(2);
        assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
    }
}
