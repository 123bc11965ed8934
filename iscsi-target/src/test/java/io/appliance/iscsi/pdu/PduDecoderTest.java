package io.appliance.iscsi.pdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Malformed input, digests and limits: the decoder answers with InvalidPdu, never an exception. */
class PduDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(PduDecoder.forTarget(8192));
    private final List<Object> decoded = new ArrayList<>();

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        decoded.forEach(ReferenceCountUtil::release);
    }

    private PduDecoder decoder() {
        return (PduDecoder) channel.pipeline().first();
    }

    private Object next() {
        Object message = channel.readInbound();
        if (message != null) {
            decoded.add(message);
        }
        return message;
    }

    private static ByteBuf nopOut(int itt, int dataLength) {
        return PduCodecTest.encode(new NopOut(true, 0, itt, IscsiPdu.RESERVED_TAG, 1, 1,
                PduCodecTest.bytes(dataLength)), false);
    }

    @Test
    void crc32cMatchesTheRfcTestVectors() {
        // RFC 3720 Appendix B.4: 32 bytes of zeros and 32 bytes of 0xff, digest bytes as on the wire
        ByteBuf zeros = Unpooled.wrappedBuffer(new byte[32]);
        ByteBuf wire = Unpooled.buffer();
        Crc32c.write(wire, Crc32c.of(zeros, 0, 32, 0));
        assertThat(ByteBufUtil.hexDump(wire)).isEqualTo("aa36918a");
        byte[] ones = new byte[32];
        java.util.Arrays.fill(ones, (byte) 0xff);
        wire.clear();
        Crc32c.write(wire, Crc32c.of(Unpooled.wrappedBuffer(ones), 0, 32, 0));
        assertThat(ByteBufUtil.hexDump(wire)).isEqualTo("43aba862");
    }

    @Test
    void dataSegmentOverTheLimitIsFatalAndLaterBytesAreDiscarded() {
        ByteBuf tooLong = nopOut(1, 8196);
        channel.writeInbound(tooLong);
        channel.writeInbound(nopOut(2, 4));
        InvalidPdu invalid = (InvalidPdu) next();
        assertThat(invalid.connectionFatal()).isTrue();
        assertThat(invalid.reason()).isEqualTo(RejectReason.PROTOCOL_ERROR);
        assertThat(invalid.opcode()).isEqualTo(Opcode.NOP_OUT);
        assertThat(invalid.initiatorTaskTag()).isEqualTo(1);
        assertThat(next()).isNull();
        assertThat(tooLong.refCnt()).isZero();
    }

    @Test
    void limitIsCheckedBeforeTheSegmentArrives() {
        ByteBuf header = nopOut(1, 100_000 & 0xFFFFFF);
        decoder().maxDataSegmentLength(1024);
        channel.writeInbound(header.readRetainedSlice(48));
        header.release();
        InvalidPdu invalid = (InvalidPdu) next();
        assertThat(invalid.connectionFatal()).isTrue();
    }

    @Test
    void headerDigestMismatchIsFatal() {
        decoder().digests(true, false);
        ByteBuf wire = PduCodecTest.encode(new NopOut(true, 0, 7, IscsiPdu.RESERVED_TAG, 1, 1, Unpooled.EMPTY_BUFFER), true);
        wire.setByte(48, wire.getByte(48) ^ 0x01);
        channel.writeInbound(wire);
        InvalidPdu invalid = (InvalidPdu) next();
        assertThat(invalid.connectionFatal()).isTrue();
        assertThat(invalid.detail()).contains("header digest");
    }

    @Test
    void dataDigestMismatchIsRejectedAndFramingSurvives() {
        decoder().digests(true, true);
        ByteBuf bad = PduCodecTest.encode(new DataOut(true, 0, 5, 0x10, 1, 0, 0, PduCodecTest.bytes(512)), true);
        bad.setByte(60, bad.getByte(60) ^ 0x40);
        channel.writeInbound(bad);
        channel.writeInbound(PduCodecTest.encode(new NopOut(true, 0, 8, IscsiPdu.RESERVED_TAG, 1, 1,
                PduCodecTest.bytes(5)), true));
        InvalidPdu invalid = (InvalidPdu) next();
        assertThat(invalid.reason()).isEqualTo(RejectReason.DATA_DIGEST_ERROR);
        assertThat(invalid.connectionFatal()).isFalse();
        assertThat(invalid.opcode()).isEqualTo(Opcode.SCSI_DATA_OUT);
        assertThat(invalid.intAt(20)).isEqualTo(0x10);
        NopOut after = (NopOut) next();
        assertThat(after.initiatorTaskTag()).isEqualTo(8);
        assertThat(after.data().readableBytes()).isEqualTo(5);
    }

    @Test
    void unknownAndWrongDirectionOpcodesAreNotSupportedButFramingSurvives() {
        ByteBuf vendor = nopOut(3, 10);
        vendor.setByte(0, 0x1c);
        ByteBuf targetOpcode = PduCodecTest.encode(new NopIn(0, 4, IscsiPdu.RESERVED_TAG, 1, 1, 1,
                PduCodecTest.bytes(3)), false);
        channel.writeInbound(vendor, targetOpcode, nopOut(5, 0));
        assertThat(((InvalidPdu) next()).reason()).isEqualTo(RejectReason.COMMAND_NOT_SUPPORTED);
        InvalidPdu wrongDirection = (InvalidPdu) next();
        assertThat(wrongDirection.reason()).isEqualTo(RejectReason.COMMAND_NOT_SUPPORTED);
        assertThat(wrongDirection.initiatorTaskTag()).isEqualTo(4);
        assertThat(((NopOut) next()).initiatorTaskTag()).isEqualTo(5);
    }

    @Test
    void dataOnAHeaderOnlyPduIsAnInvalidField() {
        ByteBuf tmf = PduCodecTest.encode(new TaskManagementRequest(true, 1, 0, 9, 8, 1, 1, 1, 0), false);
        ByteBuf withData = Unpooled.buffer();
        withData.writeBytes(tmf, 0, 48);
        withData.setMedium(5, 4);
        withData.writeInt(0xdeadbeef);
        tmf.release();
        channel.writeInbound(withData);
        InvalidPdu invalid = (InvalidPdu) next();
        assertThat(invalid.reason()).isEqualTo(RejectReason.INVALID_PDU_FIELD);
        assertThat(invalid.connectionFatal()).isFalse();
    }

    @Test
    void unknownAhsTypeIsAnInvalidField() {
        ByteBuf command = PduCodecTest.encode(new ScsiCommandPdu(false, true, true, false, 1, 0, 1, 512, 1, 1,
                PduCodecTest.cdb(20), Unpooled.EMPTY_BUFFER), false);
        command.setByte(48 + 2, 0x3f);
        channel.writeInbound(command);
        InvalidPdu invalid = (InvalidPdu) next();
        assertThat(invalid.reason()).isEqualTo(RejectReason.INVALID_PDU_FIELD);
        assertThat(invalid.detail()).contains("AHS type");
    }

    @Test
    void extendedCdbIsReassembled() {
        byte[] cdb = PduCodecTest.cdb(32);
        channel.writeInbound(PduCodecTest.encode(new ScsiCommandPdu(false, true, true, false, 1, 0, 1, 512, 1, 1,
                cdb, Unpooled.EMPTY_BUFFER), false));
        assertThat(((ScsiCommandPdu) next()).cdb()).isEqualTo(cdb);
    }

    @Test
    void truncatedPduAtConnectionCloseEmitsNothingAndLeaksNothing() {
        ByteBuf whole = nopOut(6, 1000);
        ByteBuf firstPart = whole.readRetainedSlice(600);
        channel.writeInbound(firstPart);
        assertThat(channel.finish()).isFalse();
        assertThat(next()).isNull();
        whole.release();
        assertThat(whole.refCnt()).isZero();
    }

    @Test
    void randomGarbageNeverThrowsAndEveryOutputIsAPduOrInvalidPdu() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            EmbeddedChannel fuzzed = new EmbeddedChannel(PduDecoder.forTarget(4096));
            ((PduDecoder) fuzzed.pipeline().first()).digests(round % 2 == 0, round % 3 == 0);
            byte[] garbage = new byte[random.nextInt(3000)];
            random.nextBytes(garbage);
            if (garbage.length > 7 && round % 4 == 0) {
                garbage[4] = 0;
                garbage[5] = 0;
                garbage[6] = 0;
                garbage[7] = (byte) random.nextInt(64);
            }
            ByteBuf input = Unpooled.wrappedBuffer(garbage);
            while (input.isReadable()) {
                fuzzed.writeInbound(input.readRetainedSlice(Math.min(input.readableBytes(), 1 + random.nextInt(200))));
            }
            input.release();
            Object output;
            while ((output = fuzzed.readInbound()) != null) {
                assertThat(output).isInstanceOfAny(IscsiPdu.class, InvalidPdu.class);
                ReferenceCountUtil.release(output);
            }
            fuzzed.finishAndReleaseAll();
        }
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> decoder().maxDataSegmentLength(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decoder().maxDataSegmentLength(1 << 24)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lunFieldCodecCoversPeripheralAndFlatSpaceAddressing() {
        assertThat(LunField.fromLunNumber(0)).isZero();
        assertThat(LunField.fromLunNumber(5)).isEqualTo(0x0005_0000_0000_0000L);
        assertThat(LunField.fromLunNumber(300)).isEqualTo(0x412C_0000_0000_0000L);
        for (long lun : new long[] {0, 1, 255, 256, 4095, 16383}) {
            assertThat(LunField.toLunNumber(LunField.fromLunNumber(lun))).isEqualTo(lun);
        }
        long twoLevel = 0x0001_0002_0000_0000L;
        assertThat(LunField.toLunNumber(twoLevel)).isEqualTo(twoLevel);
        assertThatThrownBy(() -> LunField.fromLunNumber(16384)).isInstanceOf(IllegalArgumentException.class);
    }
}
