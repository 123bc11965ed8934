package io.appliance.iscsi.session;

import static io.appliance.iscsi.session.TestInitiator.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.login.TargetLimits;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.NopIn;
import io.appliance.iscsi.pdu.NopOut;
import io.appliance.iscsi.pdu.ScsiCommandPdu;
import io.appliance.iscsi.pdu.ScsiResponsePdu;
import io.appliance.iscsi.server.IscsiServerSettings;
import io.netty.buffer.Unpooled;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** RFC 7143 §4.2.2.1: CmdSN order, the command window, immediate delivery. */
@ExtendWith(LeakWatch.class)
class CommandOrderingTest {

    private TargetFixture fixture;
    private TestInitiator initiator;

    private void start(int window) throws Exception {
        fixture = new TargetFixture(new IscsiServerSettings(TargetLimits.defaults(), window, Duration.ZERO,
                Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(1), Clock.systemUTC()));
        initiator = fixture.connect();
        assertThat(initiator.login(TargetFixture.TARGET, keys()).statusClass()).isZero();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private void sendTestUnitReady(int itt, int cmdSn, boolean immediate) {
        initiator.send(new ScsiCommandPdu(immediate, true, false, false, 1, 0, itt, 0, cmdSn, initiator.expStatSn,
                FakeScsiDevice.testUnitReady(), Unpooled.EMPTY_BUFFER));
    }

    @Test
    void commandsReachTheScsiLayerInCmdSnOrder() throws Exception {
        start(256);
        int base = initiator.cmdSn;
        sendTestUnitReady(0x12, base + 2, false);
        sendTestUnitReady(0x11, base + 1, false);
        initiator.expectSilence(Duration.ofMillis(200));
        assertThat(fixture.device.history()).isEmpty();
        sendTestUnitReady(0x10, base, false);
        for (int i = 0; i < 3; i++) {
            initiator.expect(ScsiResponsePdu.class);
        }
        assertThat(fixture.device.history()).extracting(FakeScsiDevice.Execution::taskTag)
                .containsExactly(0x10L, 0x11L, 0x12L);
    }

    @Test
    void cmdSnOutsideTheWindowIsSilentlyIgnored() throws Exception {
        start(256);
        int base = initiator.cmdSn;
        sendTestUnitReady(0x20, base + 256, false);
        sendTestUnitReady(0x21, base - 1, false);
        initiator.expectSilence(Duration.ofMillis(300));
        sendTestUnitReady(0x22, base, false);
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.initiatorTaskTag()).isEqualTo(0x22);
        assertThat(response.expCmdSn()).isEqualTo(base + 1);
        sendTestUnitReady(0x23, base, false);
        initiator.expectSilence(Duration.ofMillis(200));
        assertThat(fixture.device.history()).hasSize(1);
    }

    @Test
    void immediateCommandsBypassAGap() throws Exception {
        start(256);
        int base = initiator.cmdSn;
        sendTestUnitReady(0x31, base + 1, false);
        sendTestUnitReady(0x30, base, true);
        ScsiResponsePdu immediate = initiator.expect(ScsiResponsePdu.class);
        assertThat(immediate.initiatorTaskTag()).isEqualTo(0x30);
        assertThat(immediate.expCmdSn()).as("an immediate command does not advance ExpCmdSN").isEqualTo(base);
        sendTestUnitReady(0x32, base, false);
        assertThat(List.of(initiator.expect(ScsiResponsePdu.class).initiatorTaskTag(),
                initiator.expect(ScsiResponsePdu.class).initiatorTaskTag())).containsExactly(0x32, 0x31);
    }

    @Test
    void maxCmdSnClosesWhileTasksRunAndReopensAsTheyFinish() throws Exception {
        start(4);
        fixture.device.hold = true;
        int base = initiator.cmdSn;
        for (int i = 0; i < 4; i++) {
            sendTestUnitReady(0x40 + i, base + i, false);
        }
        FakeScsiDevice.Execution first = fixture.device.nextExecution(TestInitiator.WAIT);
        for (int i = 1; i < 4; i++) {
            assertThat(fixture.device.nextExecution(TestInitiator.WAIT)).isNotNull();
        }
        initiator.send(new NopOut(true, 0, 0x99, IscsiPdu.RESERVED_TAG, base + 4, initiator.expStatSn, Unpooled.EMPTY_BUFFER));
        NopIn full = initiator.expect(NopIn.class);
        assertThat(full.expCmdSn()).isEqualTo(base + 4);
        assertThat(full.maxCmdSn()).as("window closed: MaxCmdSN = ExpCmdSN - 1").isEqualTo(base + 3);
        sendTestUnitReady(0x50, base + 4, false);
        initiator.expectSilence(Duration.ofMillis(200));
        first.completeNormally(fixture.device);
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.initiatorTaskTag()).isEqualTo(0x40);
        assertThat(response.maxCmdSn()).isEqualTo(base + 4);
        for (FakeScsiDevice.Execution execution : fixture.device.history()) {
            execution.completeNormally(fixture.device);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(initiator.expect(ScsiResponsePdu.class).maxCmdSn()).isEqualTo(base + 5 + i);
        }
        assertThat(fixture.device.history()).hasSize(4);
    }
}
