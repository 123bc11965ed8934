package io.appliance.iscsi.session;

import static io.appliance.iscsi.session.TestInitiator.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.login.TargetLimits;
import io.appliance.iscsi.pdu.DataOut;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.LoginRequest;
import io.appliance.iscsi.pdu.LoginResponse;
import io.appliance.iscsi.pdu.NopOut;
import io.appliance.iscsi.pdu.PduEncoder;
import io.appliance.iscsi.pdu.ReadyToTransfer;
import io.appliance.iscsi.pdu.Reject;
import io.appliance.iscsi.pdu.RejectReason;
import io.appliance.iscsi.pdu.ScsiResponsePdu;
import io.appliance.iscsi.pdu.SnackRequest;
import io.appliance.iscsi.scsi.ScsiResult;
import io.appliance.iscsi.server.IscsiServerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad input gets the protocol's answer (Reject, Login reject, close) and never hurts the target. */
@ExtendWith(LeakWatch.class)
class ProtocolErrorTest {

    private TargetFixture fixture;
    private TestInitiator initiator;

    private void start() throws Exception {
        fixture = new TargetFixture();
        initiator = fixture.connect();
    }

    private void startAndLogin(String... operational) throws Exception {
        start();
        assertThat(initiator.login(TargetFixture.TARGET, keys(operational)).statusClass()).isZero();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private static ByteBuf wire(IscsiPdu pdu, boolean digests) {
        PduEncoder encoder = new PduEncoder();
        encoder.digests(digests, digests);
        List<Object> parts = new ArrayList<>();
        encoder.encode(UnpooledByteBufAllocator.DEFAULT, pdu, parts);
        pdu.release();
        ByteBuf wire = Unpooled.buffer();
        for (Object part : parts) {
            wire.writeBytes((ByteBuf) part);
            ((ByteBuf) part).release();
        }
        return wire;
    }

    private void assertStillServing() throws InterruptedException {
        initiator.command(0, FakeScsiDevice.testUnitReady(), false, false, 0, Unpooled.EMPTY_BUFFER, true);
        assertThat(initiator.expect(ScsiResponsePdu.class).status()).isEqualTo(ScsiResult.GOOD);
    }

    @Test
    void unknownOpcodeIsRejectedWithItsHeaderAndTheConnectionSurvives() throws Exception {
        startAndLogin();
        ByteBuf vendor = wire(new NopOut(true, 0, 0x4242, IscsiPdu.RESERVED_TAG, initiator.cmdSn, 0, Unpooled.EMPTY_BUFFER), false);
        vendor.setByte(0, 0x40 | 0x1d);
        initiator.sendRaw(vendor);
        Reject reject = initiator.expect(Reject.class);
        assertThat(reject.reason()).isEqualTo(RejectReason.COMMAND_NOT_SUPPORTED);
        assertThat(reject.data().readableBytes()).isEqualTo(48);
        assertThat(reject.data().getByte(0) & 0x3f).isEqualTo(0x1d);
        assertThat(reject.data().getInt(16)).isEqualTo(0x4242);
        assertStillServing();
    }

    @Test
    void dataOutForNoTaskIsAnInvalidField() throws Exception {
        startAndLogin();
        initiator.send(new DataOut(true, 0, 0x5150, 0x77, initiator.expStatSn, 0, 0, Unpooled.wrappedBuffer(new byte[512])));
        Reject reject = initiator.expect(Reject.class);
        assertThat(reject.reason()).isEqualTo(RejectReason.INVALID_PDU_FIELD);
        assertStillServing();
    }

    @Test
    void dataSegmentOverMaxRecvDataSegmentLengthIsRejectedAndCloses() throws Exception {
        startAndLogin();
        int limit = TargetLimits.defaults().maxRecvDataSegmentLength();
        initiator.send(new NopOut(true, 0, 0x10, IscsiPdu.RESERVED_TAG, initiator.cmdSn, initiator.expStatSn,
                Unpooled.wrappedBuffer(new byte[limit + 4])));
        Reject reject = initiator.expect(Reject.class);
        assertThat(reject.reason()).isEqualTo(RejectReason.PROTOCOL_ERROR);
        assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
    }

    @Test
    void anythingButLoginBeforeFullFeaturePhaseIsALoginInitiatorError() throws Exception {
        start();
        initiator.send(new NopOut(true, 0, 0x11, IscsiPdu.RESERVED_TAG, 1, 0, Unpooled.EMPTY_BUFFER));
        LoginResponse response = initiator.expect(LoginResponse.class);
        assertThat(response.statusClass()).isEqualTo(2);
        assertThat(response.statusDetail()).isZero();
        assertThat(response.initiatorTaskTag()).isEqualTo(0x11);
        assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
    }

    @Test
    void unsupportedVersionIsRefused() throws Exception {
        start();
        initiator.send(new LoginRequest(true, false, 0, 1, 3, 2, 1, 0, 1, 1, 1, 0,
                TestInitiator.text(keys("InitiatorName", TestInitiator.INITIATOR, "SessionType", "Discovery"))));
        LoginResponse response = initiator.expect(LoginResponse.class);
        assertThat(response.statusClass()).isEqualTo(2);
        assertThat(response.statusDetail()).isEqualTo(5);
        assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
    }

    @Test
    void loginRequestInFullFeaturePhaseAndSnackAreProtocolErrors() throws Exception {
        startAndLogin();
        initiator.send(new LoginRequest(true, false, 1, 3, 0, 0, 1, 0, 0x21, 1, initiator.cmdSn, initiator.expStatSn,
                Unpooled.EMPTY_BUFFER));
        assertThat(initiator.expect(Reject.class).reason()).isEqualTo(RejectReason.PROTOCOL_ERROR);
        initiator.send(new SnackRequest(1, 0, 0x22, 0, initiator.expStatSn, 0, 0));
        assertThat(initiator.expect(Reject.class).reason()).isEqualTo(RejectReason.PROTOCOL_ERROR);
        assertStillServing();
    }

    @Test
    void headerDigestErrorClosesTheConnection() throws Exception {
        startAndLogin("HeaderDigest", "CRC32C", "DataDigest", "CRC32C");
        ByteBuf corrupt = wire(new NopOut(true, 0, 0x31, IscsiPdu.RESERVED_TAG, initiator.cmdSn, initiator.expStatSn,
                Unpooled.EMPTY_BUFFER), true);
        corrupt.setByte(20, corrupt.getByte(20) ^ 0x08);
        initiator.sendRaw(corrupt);
        assertThat(initiator.expect(Reject.class).reason()).isEqualTo(RejectReason.PROTOCOL_ERROR);
        assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
    }

    @Test
    void dataDigestErrorIsRejectedAndAWriteEndsWithCheckCondition() throws Exception {
        startAndLogin("HeaderDigest", "CRC32C", "DataDigest", "CRC32C", "InitialR2T", "Yes", "ImmediateData", "No");
        ByteBuf corruptPing = wire(new NopOut(true, 0, 0x32, IscsiPdu.RESERVED_TAG, initiator.cmdSn, initiator.expStatSn,
                Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4})), true);
        corruptPing.setByte(48 + 4 + 1, 9);
        initiator.sendRaw(corruptPing);
        assertThat(initiator.expect(Reject.class).reason()).isEqualTo(RejectReason.DATA_DIGEST_ERROR);

        int itt = initiator.command(0, FakeScsiDevice.write10(0, 1), false, true, 512, Unpooled.EMPTY_BUFFER, true);
        ReadyToTransfer r2t = initiator.expect(ReadyToTransfer.class);
        ByteBuf corruptData = wire(new DataOut(true, 0, itt, r2t.targetTransferTag(), initiator.expStatSn, 0, 0,
                Unpooled.wrappedBuffer(new byte[512])), true);
        corruptData.setByte(100, 1);
        initiator.sendRaw(corruptData);
        assertThat(initiator.expect(Reject.class).reason()).isEqualTo(RejectReason.DATA_DIGEST_ERROR);
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.initiatorTaskTag()).isEqualTo(itt);
        assertThat(response.status()).isEqualTo(ScsiResult.CHECK_CONDITION);
        assertThat(response.data().getByte(2 + 2)).as("sense key ABORTED COMMAND").isEqualTo((byte) 0x0B);
        assertThat(fixture.device.history()).isEmpty();
        assertStillServing();
    }

    @Test
    void wrongDataSnIsRejectedAndTheWriteFailsWithoutReachingScsi() throws Exception {
        startAndLogin("InitialR2T", "Yes", "ImmediateData", "No");
        int itt = initiator.command(0, FakeScsiDevice.write10(0, 2), false, true, 1024, Unpooled.EMPTY_BUFFER, true);
        ReadyToTransfer r2t = initiator.expect(ReadyToTransfer.class);
        initiator.send(new DataOut(false, 0, itt, r2t.targetTransferTag(), initiator.expStatSn, 1, 0,
                Unpooled.wrappedBuffer(new byte[512])));
        assertThat(initiator.expect(Reject.class).reason()).isEqualTo(RejectReason.INVALID_PDU_FIELD);
        initiator.expectSilence(Duration.ofMillis(150));
        initiator.send(new DataOut(true, 0, itt, r2t.targetTransferTag(), initiator.expStatSn, 0, 512,
                Unpooled.wrappedBuffer(new byte[512])));
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.status()).isEqualTo(ScsiResult.CHECK_CONDITION);
        assertThat(response.data().getByte(2 + 12)).as("ASC DATA OFFSET ERROR").isEqualTo((byte) 0x4B);
        assertThat(fixture.device.history()).isEmpty();
        assertStillServing();
    }

    @Test
    void tooLongAWriteEndsWithCheckConditionAfterItsUnsolicitedData() throws Exception {
        startAndLogin("InitialR2T", "No", "ImmediateData", "Yes", "FirstBurstLength", "1024");
        int itt = initiator.command(0, FakeScsiDevice.write10(0, 0xFFFF), false, true, 64 << 20,
                Unpooled.wrappedBuffer(new byte[512]), false);
        initiator.expectSilence(Duration.ofMillis(150));
        initiator.send(new DataOut(true, 0, itt, IscsiPdu.RESERVED_TAG, initiator.expStatSn, 0, 512,
                Unpooled.wrappedBuffer(new byte[512])));
        ScsiResponsePdu response = initiator.expect(ScsiResponsePdu.class);
        assertThat(response.status()).isEqualTo(ScsiResult.CHECK_CONDITION);
        assertThat(response.data().getByte(2 + 2)).as("ILLEGAL REQUEST").isEqualTo((byte) 0x05);
        assertStillServing();
    }

    @Test
    void loginMustFinishWithinTheLoginTimeout() throws Exception {
        fixture = new TargetFixture(new IscsiServerSettings(TargetLimits.defaults(), 256, Duration.ZERO,
                Duration.ofSeconds(15), Duration.ofMillis(300), Duration.ofSeconds(1), Clock.systemUTC()));
        initiator = fixture.connect();
        long start = System.nanoTime();
        assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void garbageBeforeLoginGetsALoginRejectAndNothingBreaks() throws Exception {
        start();
        byte[] garbage = new byte[200];
        new java.util.Random(5).nextBytes(garbage);
        garbage[0] = 0x43;
        garbage[4] = 0;
        garbage[5] = 0;
        garbage[6] = 0;
        garbage[7] = 16;
        initiator.sendRaw(Unpooled.wrappedBuffer(garbage));
        assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
        TestInitiator another = fixture.connect();
        assertThat(another.login(TargetFixture.TARGET, keys()).statusClass()).isZero();
    }
}
