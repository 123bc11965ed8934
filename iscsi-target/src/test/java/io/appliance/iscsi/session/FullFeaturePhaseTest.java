package io.appliance.iscsi.session;

import static io.appliance.iscsi.session.TestInitiator.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.pdu.DataIn;
import io.appliance.iscsi.pdu.DataOut;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.LoginResponse;
import io.appliance.iscsi.pdu.LogoutRequest;
import io.appliance.iscsi.pdu.LogoutResponse;
import io.appliance.iscsi.pdu.LunField;
import io.appliance.iscsi.pdu.NopIn;
import io.appliance.iscsi.pdu.NopOut;
import io.appliance.iscsi.pdu.ReadyToTransfer;
import io.appliance.iscsi.pdu.ResidualKind;
import io.appliance.iscsi.pdu.ScsiResponsePdu;
import io.appliance.iscsi.scsi.ScsiResult;
import io.appliance.iscsi.server.SessionInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Login, SCSI reads and writes (Data-In, R2T, unsolicited data, residuals), NOP and logout over a real socket. */
@ExtendWith(LeakWatch.class)
class FullFeaturePhaseTest {

    private TargetFixture fixture;
    private TestInitiator initiator;

    @BeforeEach
    void start() throws Exception {
        fixture = new TargetFixture();
        initiator = fixture.connect();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private void login(String... operational) throws InterruptedException {
        LoginResponse response = initiator.login(TargetFixture.TARGET, keys(operational));
        assertThat(response.statusClass()).as("login status").isZero();
        assertThat(response.transit()).isTrue();
        assertThat(response.nextStage()).isEqualTo(3);
        assertThat(response.tsih()).isNotZero();
    }

    @Test
    void loginThenTestUnitReadyAndTheSessionIsListed() throws Exception {
        login("HeaderDigest", "None", "DataDigest", "None");
        int cmdSn = initiator.cmdSn;
        int itt = initiator.command(0, FakeScsiDevice.testUnitReady(), false, false, 0, Unpooled.EMPTY_BUFFER, true);
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.initiatorTaskTag()).isEqualTo(itt);
        assertThat(response.status()).isEqualTo(ScsiResult.GOOD);
        assertThat(response.expCmdSn()).isEqualTo(cmdSn + 1);
        assertThat(response.maxCmdSn()).isEqualTo(cmdSn + 256);
        List<SessionInfo> sessions = fixture.server.sessions();
        assertThat(sessions).hasSize(1);
        SessionInfo info = sessions.get(0);
        assertThat(info.initiatorName()).isEqualTo(TestInitiator.INITIATOR);
        assertThat(info.isid()).isEqualTo("008012345678");
        assertThat(info.targetName()).isEqualTo(TargetFixture.TARGET);
        assertThat(info.sessionType()).isEqualTo("Normal");
        assertThat(info.connections()).hasSize(1).allMatch(address -> address.startsWith("127.0.0.1:"));
        assertThat(fixture.device.nexuses()).hasSize(1);
        assertThat(fixture.device.nexuses().get(0).isid()).isEqualTo(0x80_1234_5678L);
    }

    @Test
    void readIsCutIntoDataInPdusWithStatusOnTheLast() throws Exception {
        login("MaxRecvDataSegmentLength", "4096", "MaxBurstLength", "8192");
        byte[] storage = fixture.device.lun(0);
        new Random(7).nextBytes(storage);
        int statSn = initiator.expStatSn;
        int itt = initiator.command(0, FakeScsiDevice.read10(4, 20), true, false, 10240, Unpooled.EMPTY_BUFFER, true);
        int[] lengths = {4096, 4096, 2048};
        boolean[] finals = {false, true, true};
        ByteBuf received = Unpooled.buffer();
        for (int i = 0; i < 3; i++) {
            DataIn dataIn = initiator.expect(DataIn.class);
            assertThat(dataIn.initiatorTaskTag()).isEqualTo(itt);
            assertThat(dataIn.dataSn()).isEqualTo(i);
            assertThat(dataIn.bufferOffset()).isEqualTo(i * 4096);
            assertThat(dataIn.data().readableBytes()).isEqualTo(lengths[i]);
            assertThat(dataIn.finalFlag()).as("F bit of Data-In " + i).isEqualTo(finals[i]);
            assertThat(dataIn.statusPresent()).isEqualTo(i == 2);
            received.writeBytes(dataIn.data(), dataIn.data().readerIndex(), dataIn.data().readableBytes());
            if (i == 2) {
                assertThat(dataIn.status()).isEqualTo(ScsiResult.GOOD);
                assertThat(dataIn.residualKind()).isEqualTo(ResidualKind.NONE);
                assertThat(dataIn.statSn()).isEqualTo(statSn);
            }
        }
        assertThat(ByteBufUtil.getBytes(received)).isEqualTo(Arrays.copyOfRange(storage, 4 * 512, 24 * 512));
        received.release();
        initiator.expectSilence(Duration.ofMillis(200));
    }

    @Test
    void readResidualsOverflowAndUnderflow() throws Exception {
        login();
        initiator.command(0, FakeScsiDevice.read10(0, 2), true, false, 512, Unpooled.EMPTY_BUFFER, true);
        DataIn overflow = initiator.expect(DataIn.class);
        assertThat(overflow.data().readableBytes()).isEqualTo(512);
        assertThat(overflow.statusPresent()).isTrue();
        assertThat(overflow.residualKind()).isEqualTo(ResidualKind.OVERFLOW);
        assertThat(overflow.residualCount()).isEqualTo(512);

        initiator.command(0, FakeScsiDevice.read10(0, 2), true, false, 2048, Unpooled.EMPTY_BUFFER, true);
        DataIn underflow = initiator.expect(DataIn.class);
        assertThat(underflow.data().readableBytes()).isEqualTo(1024);
        assertThat(underflow.residualKind()).isEqualTo(ResidualKind.UNDERFLOW);
        assertThat(underflow.residualCount()).isEqualTo(1024);

        // EDTL 0 on a read CDB: nothing is sent, everything overflows (libiscsi Read10Invalid case 1)
        initiator.command(0, FakeScsiDevice.read10(0, 1), false, false, 0, Unpooled.EMPTY_BUFFER, true);
        ScsiResponsePdu none = initiator.expect(ScsiResponsePdu.class);
        assertThat(none.status()).isEqualTo(ScsiResult.GOOD);
        assertThat(none.residualKind()).isEqualTo(ResidualKind.OVERFLOW);
        assertThat(none.residualCount()).isEqualTo(512);
    }

    @Test
    void writeResidualComesFromTheTransferLength() throws Exception {
        login();
        fixture.device.responder = execution -> ScsiResult.goodWrite(512);
        initiator.command(0, FakeScsiDevice.write10(0, 1), false, true, 1024, PduCodecBytes.random(1024, 1), true);
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.status()).isEqualTo(ScsiResult.GOOD);
        assertThat(response.residualKind()).isEqualTo(ResidualKind.UNDERFLOW);
        assertThat(response.residualCount()).isEqualTo(512);
    }

    @Test
    void immediateThenUnsolicitedThenSolicitedWriteData() throws Exception {
        login("InitialR2T", "No", "ImmediateData", "Yes", "FirstBurstLength", "1024", "MaxBurstLength", "2048");
        byte[] payload = new byte[4096];
        new Random(3).nextBytes(payload);
        int itt = initiator.command(LunField.fromLunNumber(1), FakeScsiDevice.write10(8, 8), false, true, 4096,
                Unpooled.copiedBuffer(payload, 0, 512), false);
        ReadyToTransfer first = initiator.expect(ReadyToTransfer.class);
        assertThat(first.bufferOffset()).isEqualTo(1024);
        assertThat(first.desiredDataTransferLength()).isEqualTo(2048);
        assertThat(first.r2tSn()).isZero();
        assertThat(first.lun()).isEqualTo(LunField.fromLunNumber(1));
        initiator.send(new DataOut(true, LunField.fromLunNumber(1), itt, IscsiPdu.RESERVED_TAG, initiator.expStatSn,
                0, 512, Unpooled.copiedBuffer(payload, 512, 512)));
        sendSolicited(itt, first, payload, 1024);
        ReadyToTransfer second = initiator.expect(ReadyToTransfer.class);
        assertThat(second.bufferOffset()).isEqualTo(3072);
        assertThat(second.desiredDataTransferLength()).isEqualTo(1024);
        assertThat(second.r2tSn()).isEqualTo(1);
        assertThat(second.targetTransferTag()).isNotEqualTo(first.targetTransferTag());
        sendSolicited(itt, second, payload, 1024);
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.status()).isEqualTo(ScsiResult.GOOD);
        assertThat(response.residualKind()).isEqualTo(ResidualKind.NONE);
        assertThat(response.expDataSn()).isEqualTo(2);
        assertThat(Arrays.copyOfRange(fixture.device.lun(1), 8 * 512, 16 * 512)).isEqualTo(payload);
    }

    @Test
    void r2tsRespectMaxBurstLengthAndMaxOutstandingR2t() throws Exception {
        login("InitialR2T", "Yes", "ImmediateData", "No", "MaxBurstLength", "1024", "FirstBurstLength", "512",
                "MaxOutstandingR2T", "2");
        byte[] payload = new byte[4096];
        new Random(4).nextBytes(payload);
        int itt = initiator.command(0, FakeScsiDevice.write10(0, 8), false, true, 4096, Unpooled.EMPTY_BUFFER, true);
        ReadyToTransfer r0 = initiator.expect(ReadyToTransfer.class);
        ReadyToTransfer r1 = initiator.expect(ReadyToTransfer.class);
        initiator.expectSilence(Duration.ofMillis(150));
        assertThat(List.of(r0.bufferOffset(), r1.bufferOffset())).containsExactly(0, 1024);
        assertThat(List.of(r0.r2tSn(), r1.r2tSn())).containsExactly(0, 1);
        assertThat(r0.desiredDataTransferLength()).isEqualTo(1024);
        sendSolicited(itt, r1, payload, 512);
        ReadyToTransfer r2 = initiator.expect(ReadyToTransfer.class);
        assertThat(r2.bufferOffset()).isEqualTo(2048);
        sendSolicited(itt, r0, payload, 512);
        ReadyToTransfer r3 = initiator.expect(ReadyToTransfer.class);
        assertThat(r3.bufferOffset()).isEqualTo(3072);
        assertThat(r3.r2tSn()).isEqualTo(3);
        sendSolicited(itt, r3, payload, 1024);
        initiator.expectSilence(Duration.ofMillis(100));
        sendSolicited(itt, r2, payload, 1024);
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.status()).isEqualTo(ScsiResult.GOOD);
        assertThat(Arrays.copyOfRange(fixture.device.lun(0), 0, 4096)).isEqualTo(payload);
        assertThat(fixture.device.history()).hasSize(1);
    }

    private void sendSolicited(int itt, ReadyToTransfer r2t, byte[] payload, int pduSize) {
        int dataSn = 0;
        for (int offset = 0; offset < r2t.desiredDataTransferLength(); offset += pduSize) {
            int length = Math.min(pduSize, r2t.desiredDataTransferLength() - offset);
            boolean last = offset + length == r2t.desiredDataTransferLength();
            initiator.send(new DataOut(last, r2t.lun(), itt, r2t.targetTransferTag(), initiator.expStatSn, dataSn++,
                    r2t.bufferOffset() + offset, Unpooled.copiedBuffer(payload, r2t.bufferOffset() + offset, length)));
        }
    }

    @Test
    void checkConditionCarriesSenseLengthAndSense() throws Exception {
        login();
        initiator.command(0, new byte[] {(byte) 0xc7, 0, 0, 0, 0, 0}, false, false, 0, Unpooled.EMPTY_BUFFER, true);
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.status()).isEqualTo(ScsiResult.CHECK_CONDITION);
        assertThat(response.response()).isEqualTo(ScsiResponsePdu.RESPONSE_COMPLETED);
        ByteBuf data = response.data();
        assertThat(data.getUnsignedShort(0)).isEqualTo(18);
        assertThat(data.readableBytes()).isEqualTo(20);
        assertThat(data.getByte(2 + 2)).isEqualTo((byte) 0x05);
        assertThat(data.getByte(2 + 12)).isEqualTo((byte) 0x20);
    }

    @Test
    void nopOutIsAnsweredWithItsData() throws Exception {
        login();
        int cmdSn = initiator.cmdSn;
        initiator.send(new NopOut(false, 0, 0x77, IscsiPdu.RESERVED_TAG, initiator.cmdSn++, initiator.expStatSn,
                Unpooled.copiedBuffer("are you there", StandardCharsets.US_ASCII)));
        NopIn answer = initiator.expect(NopIn.class);
        assertThat(answer.initiatorTaskTag()).isEqualTo(0x77);
        assertThat(answer.targetTransferTag()).isEqualTo(IscsiPdu.RESERVED_TAG);
        assertThat(answer.data().toString(StandardCharsets.US_ASCII)).isEqualTo("are you there");
        assertThat(answer.expCmdSn()).isEqualTo(cmdSn + 1);
    }

    @Test
    void logoutClosesTheSessionAndTheConnection() throws Exception {
        login();
        int itt = initiator.newTag();
        initiator.send(new LogoutRequest(true, LogoutRequest.CLOSE_SESSION, itt, 1, initiator.cmdSn, initiator.expStatSn));
        LogoutResponse response = initiator.expect(LogoutResponse.class);
        assertThat(response.response()).isEqualTo(LogoutResponse.CLOSED_SUCCESSFULLY);
        assertThat(response.initiatorTaskTag()).isEqualTo(itt);
        assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
        assertThat(Eventually.within(TestInitiator.WAIT, () -> fixture.server.sessions().isEmpty())).isTrue();
    }

    @Test
    void logoutForRecoveryIsNotSupportedAtErl0() throws Exception {
        login();
        initiator.send(new LogoutRequest(true, LogoutRequest.REMOVE_CONNECTION_FOR_RECOVERY, initiator.newTag(), 1,
                initiator.cmdSn, initiator.expStatSn));
        LogoutResponse response = initiator.expect(LogoutResponse.class);
        assertThat(response.response()).isEqualTo(LogoutResponse.RECOVERY_NOT_SUPPORTED);
        initiator.command(0, FakeScsiDevice.testUnitReady(), false, false, 0, Unpooled.EMPTY_BUFFER, true);
        assertThat(initiator.expect(ScsiResponsePdu.class).status()).isEqualTo(ScsiResult.GOOD);
    }

    @Test
    void digestsAreUsedAfterLogin() throws Exception {
        login("HeaderDigest", "CRC32C", "DataDigest", "CRC32C");
        initiator.command(0, FakeScsiDevice.read10(0, 1), true, false, 512, Unpooled.EMPTY_BUFFER, true);
        DataIn dataIn = initiator.expect(DataIn.class);
        assertThat(dataIn.statusPresent()).isTrue();
        assertThat(dataIn.data().readableBytes()).isEqualTo(512);
    }
}
