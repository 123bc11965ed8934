package io.appliance.iscsi.session;

import static io.appliance.iscsi.session.TestInitiator.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.login.TargetLimits;
import io.appliance.iscsi.pdu.AsyncMessage;
import io.appliance.iscsi.pdu.DataOut;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.LoginResponse;
import io.appliance.iscsi.pdu.LogoutRequest;
import io.appliance.iscsi.pdu.LogoutResponse;
import io.appliance.iscsi.pdu.ScsiResponsePdu;
import io.appliance.iscsi.scsi.ScsiResult;
import io.appliance.iscsi.server.IscsiServerSettings;
import io.appliance.iscsi.server.SessionInfo;
import io.netty.buffer.Unpooled;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Session reinstatement, TSIH checks, multiple connections, connection loss and shutdown. */
@ExtendWith(LeakWatch.class)
class SessionLifecycleTest {

    private TargetFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static TargetLimits limitsWithConnections(int maxConnections) {
        TargetLimits d = TargetLimits.defaults();
        return new TargetLimits(d.maxRecvDataSegmentLength(), d.maxBurstLength(), d.firstBurstLength(),
                d.maxOutstandingR2T(), d.immediateData(), d.initialR2T(), maxConnections, d.defaultTime2Wait(),
                d.defaultTime2Retain(), d.errorRecoveryLevel(), d.headerDigests(), d.dataDigests());
    }

    @Test
    void aNewLeadingLoginOnTheSameNexusReinstatesTheSession() throws Exception {
        fixture = new TargetFixture();
        TestInitiator first = fixture.connect();
        int firstTsih = first.login(TargetFixture.TARGET, keys()).tsih();
        TestInitiator second = fixture.connect();
        LoginResponse response = second.login(TargetFixture.TARGET, keys());
        assertThat(response.statusClass()).isZero();
        assertThat(response.tsih()).isNotEqualTo(firstTsih);
        assertThat(first.awaitClosed(TestInitiator.WAIT)).as("the old session's connection is closed").isTrue();
        assertThat(Eventually.within(TestInitiator.WAIT, () -> fixture.server.sessions().size() == 1)).isTrue();
        assertThat(fixture.server.sessions().get(0).tsih()).isEqualTo(response.tsih());
        second.command(0, FakeScsiDevice.testUnitReady(), false, false, 0, Unpooled.EMPTY_BUFFER, true);
        assertThat(second.expect(ScsiResponsePdu.class).status()).isEqualTo(ScsiResult.GOOD);
    }

    @Test
    void anotherIsidIsAnotherSession() throws Exception {
        fixture = new TargetFixture();
        TestInitiator first = fixture.connect();
        TestInitiator second = fixture.connect();
        assertThat(first.login(TargetFixture.TARGET, 0x1, 0, 1, keys()).statusClass()).isZero();
        assertThat(second.login(TargetFixture.TARGET, 0x2, 0, 1, keys()).statusClass()).isZero();
        assertThat(fixture.server.sessions()).extracting(SessionInfo::isid)
                .containsExactlyInAnyOrder("000000000001", "000000000002");
        assertThat(first.isOpen()).isTrue();
    }

    @Test
    void anUnknownTsihIsSessionDoesNotExist() throws Exception {
        fixture = new TargetFixture();
        TestInitiator initiator = fixture.connect();
        LoginResponse response = initiator.login(TargetFixture.TARGET, 0x5, 0x4321, 1, keys());
        assertThat(response.statusClass()).isEqualTo(2);
        assertThat(response.statusDetail()).isEqualTo(10);
        assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
    }

    @Test
    void aSecondConnectionBeyondMaxConnectionsIsRefused() throws Exception {
        fixture = new TargetFixture();
        TestInitiator leading = fixture.connect();
        int tsih = leading.login(TargetFixture.TARGET, 0x7, 0, 1, keys()).tsih();
        TestInitiator extra = fixture.connect();
        LoginResponse response = extra.login(TargetFixture.TARGET, 0x7, tsih, 2, keys());
        assertThat(response.statusClass()).isEqualTo(2);
        assertThat(response.statusDetail()).isEqualTo(6);
        assertThat(leading.isOpen()).isTrue();
    }

    @Test
    void aLoginWithTheSameCidReinstatesTheConnectionAndTheSessionGoesOn() throws Exception {
        fixture = new TargetFixture();
        TestInitiator old = fixture.connect();
        LoginResponse first = old.login(TargetFixture.TARGET, 0x9, 0, 1, keys());
        assertThat(first.statusClass()).isZero();
        TestInitiator replacement = fixture.connect();
        replacement.cmdSn = old.cmdSn;
        LoginResponse again = replacement.login(TargetFixture.TARGET, 0x9, first.tsih(), 1, keys());
        assertThat(again.statusClass()).isZero();
        assertThat(again.tsih()).isEqualTo(first.tsih());
        assertThat(old.awaitClosed(TestInitiator.WAIT)).isTrue();
        replacement.command(0, FakeScsiDevice.testUnitReady(), false, false, 0, Unpooled.EMPTY_BUFFER, true);
        assertThat(replacement.expect(ScsiResponsePdu.class).status()).isEqualTo(ScsiResult.GOOD);
        assertThat(fixture.server.sessions()).hasSize(1);
        assertThat(fixture.server.sessions().get(0).tsih()).isEqualTo(first.tsih());
        assertThat(fixture.server.sessions().get(0).connections()).hasSize(1);
    }

    @Test
    void connectionsAddedToASessionShareItsCommandWindow() throws Exception {
        fixture = new TargetFixture(TargetFixture.settings(limitsWithConnections(2), Duration.ZERO));
        TestInitiator leading = fixture.connect();
        LoginResponse first = leading.login(TargetFixture.TARGET, 0x8, 0, 1, keys("MaxConnections", "2"));
        assertThat(first.statusClass()).isZero();
        TestInitiator second = fixture.connect();
        second.cmdSn = leading.cmdSn;
        LoginResponse joined = second.login(TargetFixture.TARGET, 0x8, first.tsih(), 2, keys());
        assertThat(joined.statusClass()).isZero();
        assertThat(joined.tsih()).isEqualTo(first.tsih());
        assertThat(Eventually.within(TestInitiator.WAIT,
                () -> fixture.server.sessions().get(0).connections().size() == 2)).isTrue();
        int base = leading.cmdSn;
        second.send(new io.appliance.iscsi.pdu.ScsiCommandPdu(false, true, false, false, 1, 0, 0x2, 0, base + 1,
                second.expStatSn, FakeScsiDevice.testUnitReady(), Unpooled.EMPTY_BUFFER));
        second.expectSilence(Duration.ofMillis(150));
        leading.send(new io.appliance.iscsi.pdu.ScsiCommandPdu(false, true, false, false, 1, 0, 0x1, 0, base,
                leading.expStatSn, FakeScsiDevice.testUnitReady(), Unpooled.EMPTY_BUFFER));
        assertThat(leading.expect(ScsiResponsePdu.class).initiatorTaskTag()).isEqualTo(0x1);
        ScsiResponsePdu onSecond = second.expect(ScsiResponsePdu.class);
        assertThat(onSecond.initiatorTaskTag()).isEqualTo(0x2);
        assertThat(onSecond.expCmdSn()).isEqualTo(base + 2);
        assertThat(fixture.device.history()).extracting(FakeScsiDevice.Execution::taskTag).containsExactly(0x1L, 0x2L);
        second.send(new LogoutRequest(true, LogoutRequest.CLOSE_CONNECTION, second.newTag(), 2, base + 2, second.expStatSn));
        assertThat(second.expect(LogoutResponse.class).response()).isEqualTo(LogoutResponse.CLOSED_SUCCESSFULLY);
        assertThat(second.awaitClosed(TestInitiator.WAIT)).isTrue();
        assertThat(Eventually.within(TestInitiator.WAIT,
                () -> fixture.server.sessions().get(0).connections().size() == 1)).isTrue();
        assertThat(leading.isOpen()).isTrue();
    }

    @Test
    void losingTheConnectionEndsTheSessionAndLateCompletionsAreDropped() throws Exception {
        fixture = new TargetFixture();
        fixture.device.hold = true;
        TestInitiator initiator = fixture.connect();
        assertThat(initiator.login(TargetFixture.TARGET, keys("InitialR2T", "No", "FirstBurstLength", "4096")).statusClass()).isZero();
        initiator.command(0, FakeScsiDevice.read10(0, 16), true, false, 8192, Unpooled.EMPTY_BUFFER, true);
        int write = initiator.command(0, FakeScsiDevice.write10(0, 16), false, true, 8192,
                Unpooled.wrappedBuffer(new byte[1024]), false);
        initiator.send(new DataOut(false, 0, write, IscsiPdu.RESERVED_TAG, initiator.expStatSn, 0, 1024,
                Unpooled.wrappedBuffer(new byte[1024])));
        FakeScsiDevice.Execution read = fixture.device.nextExecution(TestInitiator.WAIT);
        assertThat(read).isNotNull();
        initiator.close();
        assertThat(Eventually.within(TestInitiator.WAIT, () -> fixture.server.sessions().isEmpty())).isTrue();
        read.completeNormally(fixture.device);
        assertThat(fixture.device.history()).as("the half-received write never executes").hasSize(1);
    }

    @Test
    void closingTheServerAsksSessionsToLogOut() throws Exception {
        fixture = new TargetFixture(new IscsiServerSettings(TargetLimits.defaults(), 256, Duration.ZERO,
                Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(3), Clock.systemUTC()));
        TestInitiator initiator = fixture.connect();
        assertThat(initiator.login(TargetFixture.TARGET, keys()).statusClass()).isZero();
        Thread closer = new Thread(fixture.server::close);
        long start = System.nanoTime();
        closer.start();
        AsyncMessage message = initiator.expect(AsyncMessage.class);
        assertThat(message.asyncEvent()).isEqualTo(AsyncMessage.EVENT_LOGOUT_REQUESTED);
        assertThat(message.parameter3()).isEqualTo(3);
        assertThat(message.initiatorTaskTag()).isEqualTo(IscsiPdu.RESERVED_TAG);
        initiator.send(new LogoutRequest(true, LogoutRequest.CLOSE_SESSION, initiator.newTag(), 1, initiator.cmdSn,
                initiator.expStatSn));
        assertThat(initiator.expect(LogoutResponse.class).response()).isEqualTo(LogoutResponse.CLOSED_SUCCESSFULLY);
        closer.join(TestInitiator.WAIT.toMillis());
        assertThat(closer.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("close returns once the session logged out")
                .isLessThan(Duration.ofSeconds(3));
        assertThat(fixture.server.sessions()).isEmpty();
        assertThat(fixture.server.boundAddresses()).isEmpty();
    }

    @Test
    void closingTheServerClosesSessionsThatDoNotLogOut() throws Exception {
        fixture = new TargetFixture(new IscsiServerSettings(TargetLimits.defaults(), 256, Duration.ZERO,
                Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofMillis(300), Clock.systemUTC()));
        TestInitiator initiator = fixture.connect();
        assertThat(initiator.login(TargetFixture.TARGET, keys()).statusClass()).isZero();
        fixture.server.close();
        assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
        assertThat(initiator.expect(AsyncMessage.class).parameter3()).isEqualTo(1);
        fixture.server.close();
        List<SessionInfo> after = fixture.server.sessions();
        assertThat(after).isEmpty();
    }
}
