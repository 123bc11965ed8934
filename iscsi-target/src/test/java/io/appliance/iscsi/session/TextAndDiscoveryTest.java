package io.appliance.iscsi.session;

import static io.appliance.iscsi.session.TestInitiator.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.LogoutRequest;
import io.appliance.iscsi.pdu.LogoutResponse;
import io.appliance.iscsi.pdu.Reject;
import io.appliance.iscsi.pdu.RejectReason;
import io.appliance.iscsi.pdu.TextRequest;
import io.appliance.iscsi.pdu.TextResponse;
import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.iscsi.target.Portal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Text Request (RFC 7143 §11.10-§11.11) in discovery sessions: SendTargets, continuations, long answers. */
@ExtendWith(LeakWatch.class)
class TextAndDiscoveryTest {

    private TargetFixture fixture;
    private TestInitiator initiator;

    @BeforeEach
    void start() throws Exception {
        fixture = new TargetFixture();
        fixture.registry.put(new IscsiTarget(TargetFixture.TARGET, "", 1, List.of(new Portal("127.0.0.1", 3260)), true,
                List.of(), fixture.device));
        initiator = fixture.connect();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private void discoveryLogin(String... operational) throws InterruptedException {
        assertThat(initiator.login(null, keys(operational)).statusClass()).isZero();
    }

    private TextResponse text(boolean finalFlag, boolean continues, int itt, int ttt, ByteBuf data)
            throws InterruptedException {
        initiator.send(new TextRequest(false, finalFlag, continues, 0, itt, ttt, initiator.cmdSn++, initiator.expStatSn, data));
        return initiator.expect(TextResponse.class);
    }

    @Test
    void sendTargetsAllListsTheTargetAndItsPortal() throws Exception {
        discoveryLogin();
        TextResponse response = text(true, false, 0x10, IscsiPdu.RESERVED_TAG, TestInitiator.text(keys("SendTargets", "All")));
        assertThat(response.finalFlag()).isTrue();
        assertThat(response.continueFlag()).isFalse();
        assertThat(response.targetTransferTag()).isEqualTo(IscsiPdu.RESERVED_TAG);
        Map<String, String> answer = TestInitiator.keysOf(response.data());
        assertThat(answer).containsEntry("TargetName", TargetFixture.TARGET)
                .containsEntry("TargetAddress", "127.0.0.1:3260,1");
        assertThat(fixture.server.sessions().get(0).sessionType()).isEqualTo("Discovery");
        assertThat(fixture.server.sessions().get(0).targetName()).isNull();
    }

    @Test
    void aRequestContinuedWithTheCBitIsGatheredFirst() throws Exception {
        discoveryLogin();
        TextResponse partial = text(false, true, 0x11, IscsiPdu.RESERVED_TAG,
                Unpooled.copiedBuffer("SendTar", StandardCharsets.US_ASCII));
        assertThat(partial.data().isReadable()).isFalse();
        assertThat(partial.finalFlag()).isFalse();
        assertThat(partial.targetTransferTag()).isNotEqualTo(IscsiPdu.RESERVED_TAG);
        TextResponse response = text(true, false, 0x11, partial.targetTransferTag(),
                Unpooled.copiedBuffer("gets=All\0", StandardCharsets.US_ASCII));
        assertThat(response.finalFlag()).isTrue();
        assertThat(TestInitiator.keysOf(response.data())).containsEntry("TargetName", TargetFixture.TARGET);
    }

    @Test
    void aLongAnswerIsSplitIntoPartsTheInitiatorFetches() throws Exception {
        for (int i = 0; i < 40; i++) {
            fixture.registry.put(new IscsiTarget(String.format("iqn.2024-01.io.appliance:a-rather-long-target-name-%03d", i),
                    "", 1, List.of(new Portal("127.0.0.1", 3260)), true, List.of(), fixture.device));
        }
        discoveryLogin("MaxRecvDataSegmentLength", "512");
        ByteBuf whole = Unpooled.buffer();
        TextResponse part = text(true, false, 0x12, IscsiPdu.RESERVED_TAG, TestInitiator.text(keys("SendTargets", "All")));
        int parts = 1;
        while (part.continueFlag()) {
            assertThat(part.finalFlag()).isFalse();
            assertThat(part.data().readableBytes()).isEqualTo(512);
            whole.writeBytes(part.data(), part.data().readerIndex(), part.data().readableBytes());
            part = text(true, false, 0x12, part.targetTransferTag(), Unpooled.EMPTY_BUFFER);
            parts++;
        }
        assertThat(part.finalFlag()).isTrue();
        whole.writeBytes(part.data(), part.data().readerIndex(), part.data().readableBytes());
        String all = whole.toString(StandardCharsets.UTF_8);
        whole.release();
        assertThat(parts).isGreaterThan(5);
        assertThat(all.split("\0")).filteredOn(pair -> pair.startsWith("TargetName=")).hasSize(41);
    }

    @Test
    void aDiscoverySessionRefusesScsiCommandsAndConnectionLogout() throws Exception {
        discoveryLogin();
        initiator.command(0, FakeScsiDevice.testUnitReady(), false, false, 0, Unpooled.EMPTY_BUFFER, true);
        assertThat(initiator.expect(Reject.class).reason()).isEqualTo(RejectReason.COMMAND_NOT_SUPPORTED);
        initiator.send(new LogoutRequest(true, LogoutRequest.CLOSE_CONNECTION, initiator.newTag(), 1, initiator.cmdSn,
                initiator.expStatSn));
        assertThat(initiator.expect(Reject.class).reason()).isEqualTo(RejectReason.PROTOCOL_ERROR);
        initiator.send(new LogoutRequest(true, LogoutRequest.CLOSE_SESSION, initiator.newTag(), 1, initiator.cmdSn,
                initiator.expStatSn));
        assertThat(initiator.expect(LogoutResponse.class).response()).isEqualTo(LogoutResponse.CLOSED_SUCCESSFULLY);
        assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
        assertThat(fixture.device.history()).isEmpty();
    }

    @Test
    void aTextContinuationForNoNegotiationIsRejected() throws Exception {
        discoveryLogin();
        initiator.send(new TextRequest(true, true, false, 0, 0x13, 0x4444, initiator.cmdSn, initiator.expStatSn,
                Unpooled.EMPTY_BUFFER));
        assertThat(initiator.expect(Reject.class).reason()).isEqualTo(RejectReason.INVALID_PDU_FIELD);
    }
}
