package io.appliance.iscsi.session;

import static io.appliance.iscsi.session.TestInitiator.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.login.TargetLimits;
import io.appliance.iscsi.login.TextParameter;
import io.appliance.iscsi.login.TextParameters;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.LoginRequest;
import io.appliance.iscsi.pdu.LoginResponse;
import io.appliance.iscsi.pdu.NopIn;
import io.appliance.iscsi.pdu.NopOut;
import io.appliance.iscsi.pdu.PduDecoder;
import io.appliance.iscsi.pdu.PduEncoder;
import io.appliance.iscsi.pdu.ScsiResponsePdu;
import io.appliance.iscsi.scsi.ScsiResult;
import io.appliance.iscsi.server.IscsiServerSettings;
import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.iscsi.target.TargetRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Target NOP-In pings (RFC 7143 §11.19) find dead initiators; live ones answer and stay. */
@ExtendWith(LeakWatch.class)
class NopPingTest {

    @Test
    void anUnansweredPingDropsTheConnection() throws Exception {
        try (TargetFixture fixture = new TargetFixture(new IscsiServerSettings(TargetLimits.defaults(), 256,
                Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofSeconds(15), Duration.ofSeconds(1),
                Clock.systemUTC()))) {
            TestInitiator initiator = fixture.connect();
            assertThat(initiator.login(TargetFixture.TARGET, keys()).statusClass()).isZero();
            NopIn ping = initiator.expect(NopIn.class);
            assertThat(ping.initiatorTaskTag()).isEqualTo(IscsiPdu.RESERVED_TAG);
            assertThat(ping.targetTransferTag()).isNotEqualTo(IscsiPdu.RESERVED_TAG);
            assertThat(initiator.awaitClosed(TestInitiator.WAIT)).isTrue();
            assertThat(Eventually.within(TestInitiator.WAIT, () -> fixture.server.sessions().isEmpty())).isTrue();
        }
    }

    @Test
    void answeredPingsKeepTheConnection() throws Exception {
        try (TargetFixture fixture = new TargetFixture(new IscsiServerSettings(TargetLimits.defaults(), 256,
                Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(15), Duration.ofSeconds(1),
                Clock.systemUTC()))) {
            TestInitiator initiator = fixture.connect();
            assertThat(initiator.login(TargetFixture.TARGET, keys()).statusClass()).isZero();
            int pings = 0;
            long end = System.nanoTime() + Duration.ofMillis(1200).toNanos();
            while (System.nanoTime() < end) {
                NopIn ping = initiator.expect(NopIn.class);
                int expStatSn = initiator.expStatSn;
                assertThat(ping.statSn()).as("a ping does not consume a StatSN").isEqualTo(expStatSn);
                initiator.send(new NopOut(true, 0, IscsiPdu.RESERVED_TAG, ping.targetTransferTag(), initiator.cmdSn,
                        initiator.expStatSn, Unpooled.EMPTY_BUFFER));
                pings++;
            }
            assertThat(pings).isGreaterThanOrEqualTo(3);
            assertThat(initiator.isOpen()).isTrue();
            initiator.command(0, FakeScsiDevice.testUnitReady(), false, false, 0, Unpooled.EMPTY_BUFFER, true);
            Object answer;
            do {
                answer = initiator.next();
            } while (answer instanceof NopIn);
            assertThat(((ScsiResponsePdu) answer).status()).isEqualTo(ScsiResult.GOOD);
        }
    }

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2024-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void thePingTimeoutIsDecidedByTheInjectedClock() throws Exception {
        ManualClock clock = new ManualClock();
        FakeScsiDevice device = new FakeScsiDevice();
        TargetRegistry registry = new TargetRegistry();
        registry.put(new IscsiTarget(TargetFixture.TARGET, "", 1, List.of(), true, List.of(), device));
        SessionServices services = SessionServices.create(registry, new SessionSettings(TargetLimits.defaults(), 256,
                Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(15), clock));
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        IscsiConnection.initialize(channel, services);
        channel.register();
        EmbeddedChannel initiatorSide = new EmbeddedChannel(PduDecoder.forInitiator(1 << 20));
        try {
            login(channel, initiatorSide);
            channel.advanceTimeBy(5, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            channel.runPendingTasks();
            NopIn ping = (NopIn) receive(channel, initiatorSide);
            assertThat(ping.targetTransferTag()).isNotEqualTo(IscsiPdu.RESERVED_TAG);
            ping.release();

            // the event loop's timer fires, but the clock says the 15 s have not passed yet
            clock.advance(Duration.ofSeconds(10));
            channel.advanceTimeBy(15, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            assertThat(channel.isOpen()).isTrue();

            clock.advance(Duration.ofSeconds(5));
            channel.advanceTimeBy(5, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            channel.runPendingTasks();
            assertThat(channel.isOpen()).isFalse();
        } finally {
            channel.finishAndReleaseAll();
            initiatorSide.finishAndReleaseAll();
            device.close();
        }
    }

    private static void login(EmbeddedChannel target, EmbeddedChannel initiatorSide) {
        List<TextParameter> keys = List.of(new TextParameter("InitiatorName", TestInitiator.INITIATOR),
                new TextParameter("TargetName", TargetFixture.TARGET), new TextParameter("SessionType", "Normal"));
        target.writeInbound(encode(new LoginRequest(true, false, 1, 3, 0, 0, 0x99, 0, 1, 1, 1, 0,
                Unpooled.wrappedBuffer(TextParameters.encode(keys)))));
        LoginResponse response = (LoginResponse) receive(target, initiatorSide);
        assertThat(response.statusClass()).isZero();
        assertThat(response.nextStage()).isEqualTo(3);
        response.release();
        target.runPendingTasks();
    }

    private static ByteBuf encode(IscsiPdu pdu) {
        List<Object> parts = new ArrayList<>();
        new PduEncoder().encode(UnpooledByteBufAllocator.DEFAULT, pdu, parts);
        pdu.release();
        ByteBuf wire = Unpooled.buffer();
        for (Object part : parts) {
            wire.writeBytes((ByteBuf) part);
            ReferenceCountUtil.release(part);
        }
        return wire;
    }

    private static Object receive(EmbeddedChannel target, EmbeddedChannel initiatorSide) {
        Object bytes;
        while ((bytes = target.readOutbound()) != null) {
            initiatorSide.writeInbound(bytes);
        }
        Object pdu = initiatorSide.readInbound();
        assertThat(pdu).as("a PDU from the target").isNotNull();
        return pdu;
    }
}
