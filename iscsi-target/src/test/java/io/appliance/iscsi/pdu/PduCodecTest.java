package io.appliance.iscsi.pdu;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PDU type through encoder and decoder: whole, one byte at a time and in random slices,
 * with digests off and on. The decoded PDU must equal the original field by field.
 */
class PduCodecTest {

    private final List<Object> toRelease = new ArrayList<>();

    @AfterEach
    void releaseAll() {
        for (Object each : toRelease) {
            if (each instanceof IscsiPdu pdu && pdu.refCnt() > 0) {
                pdu.release();
            }
        }
    }

    static Stream<Arguments> pdus() {
        return Stream.of(
                Arguments.of(new NopOut(true, LunField.fromLunNumber(3), 0x11, IscsiPdu.RESERVED_TAG, 7, 9, text("ping data"))),
                Arguments.of(new NopOut(true, 0, IscsiPdu.RESERVED_TAG, 0x42, 7, 9, Unpooled.EMPTY_BUFFER)),
                Arguments.of(new ScsiCommandPdu(false, true, true, false, 1, LunField.fromLunNumber(1), 0x1234, 4096, 100, 200,
                        new byte[] {0x28, 0, 0, 0, 0, 1, 0, 0, 8, 0}, Unpooled.EMPTY_BUFFER)),
                Arguments.of(new ScsiCommandPdu(false, false, false, true, 1, 0, 0x1235, 8192, 101, 200,
                        cdb(16), bytes(1000))),
                Arguments.of(new ScsiCommandPdu(true, true, true, false, 2, 0, 0x1236, 0, 102, 200,
                        cdb(32), Unpooled.EMPTY_BUFFER)),
                Arguments.of(new ScsiResponsePdu(ResidualKind.UNDERFLOW, 0, 2, 0x99, 0, 5, 6, 70, 3, 512, bytes(20))),
                Arguments.of(new ScsiResponsePdu(ResidualKind.OVERFLOW, 0, 0, 0x99, 0, 5, 6, 70, 0, 77, Unpooled.EMPTY_BUFFER)),
                Arguments.of(new TaskManagementRequest(true, TaskManagementRequest.ABORT_TASK, LunField.fromLunNumber(2),
                        0x55, 0x44, 10, 11, 9, 0)),
                Arguments.of(new TaskManagementResponse(TaskManagementResponse.TASK_DOES_NOT_EXIST, 0x55, 12, 13, 300)),
                Arguments.of(new LoginRequest(true, false, 0, 1, 0, 0, 0x23D0_0000_0001L, 0, 0x01, 1, 5, 0,
                        text("InitiatorName=iqn.2024-01.test:i\0SessionType=Normal\0"))),
                Arguments.of(new LoginResponse(true, false, 1, 3, 0, 0, 0x23D0_0000_0001L, 0x0102, 0x01, 77, 5, 260,
                        0, 0, text("HeaderDigest=None\0"))),
                Arguments.of(new LoginResponse(false, false, 0, 0, 0, 0, 0x1L, 0, 0x01, 77, 5, 5, 2, 1, Unpooled.EMPTY_BUFFER)),
                Arguments.of(new TextRequest(false, true, false, 0, 0x77, IscsiPdu.RESERVED_TAG, 20, 30, text("SendTargets=All\0"))),
                Arguments.of(new TextResponse(false, true, 0, 0x77, 0x1000, 31, 21, 276, bytes(700))),
                Arguments.of(new DataOut(true, LunField.fromLunNumber(1), 0x66, 0x1001, 33, 2, 8192, bytes(4096))),
                Arguments.of(new DataIn(false, false, ResidualKind.NONE, 0, LunField.fromLunNumber(1), 0x66,
                        IscsiPdu.RESERVED_TAG, 0, 22, 277, 4, 16384, 0, bytes(3000))),
                Arguments.of(new DataIn(true, true, ResidualKind.UNDERFLOW, 0, 0, 0x66, IscsiPdu.RESERVED_TAG,
                        40, 22, 277, 5, 19384, 100, bytes(3))),
                Arguments.of(new LogoutRequest(true, LogoutRequest.CLOSE_CONNECTION, 0x88, 3, 50, 60)),
                Arguments.of(new LogoutResponse(LogoutResponse.RECOVERY_NOT_SUPPORTED, 0x88, 61, 51, 306, 2, 0)),
                Arguments.of(new SnackRequest(1, 0, 0x89, 0x5, 61, 3, 2)),
                Arguments.of(new ReadyToTransfer(LunField.fromLunNumber(300), 0x66, 0x1002, 62, 51, 306, 1, 65536, 262144)),
                Arguments.of(new AsyncMessage(0, 63, 51, 306, AsyncMessage.EVENT_LOGOUT_REQUESTED, 0, 0, 0, 2,
                        Unpooled.EMPTY_BUFFER)),
                Arguments.of(new Reject(RejectReason.INVALID_PDU_FIELD, 64, 51, 306, 0, bytes(48))));
    }

    @ParameterizedTest
    @MethodSource("pdus")
    void roundTripsWhole(IscsiPdu pdu) {
        assertRoundTrip(pdu, false, Integer.MAX_VALUE);
    }

    @ParameterizedTest
    @MethodSource("pdus")
    void roundTripsOneByteAtATime(IscsiPdu pdu) {
        assertRoundTrip(pdu, false, 1);
    }

    @ParameterizedTest
    @MethodSource("pdus")
    void roundTripsInRandomSlicesWithDigests(IscsiPdu pdu) {
        assertRoundTrip(pdu, true, 0);
    }

    private void assertRoundTrip(IscsiPdu original, boolean digests, int sliceSize) {
        toRelease.add(original);
        ByteBuf wire = encode(original, digests);
        int expectedLength = 48 + ahsBytes(original) + (digests ? 4 : 0) + padded(original.data().readableBytes())
                + (digests && original.data().isReadable() ? 4 : 0);
        assertThat(wire.readableBytes()).isEqualTo(expectedLength);

        EmbeddedChannel decoder = new EmbeddedChannel(original.opcode().fromInitiator()
                ? PduDecoder.forTarget(1 << 20) : PduDecoder.forInitiator(1 << 20));
        ((PduDecoder) decoder.pipeline().first()).digests(digests, digests);
        Random random = new Random(original.opcode().code());
        while (wire.isReadable()) {
            int size = sliceSize == 0 ? 1 + random.nextInt(64) : Math.min(sliceSize, wire.readableBytes());
            size = Math.min(size, wire.readableBytes());
            decoder.writeInbound(wire.readRetainedSlice(size));
        }
        wire.release();
        Object decoded = decoder.readInbound();
        toRelease.add(decoded);
        Object extra = decoder.readInbound();
        assertThat(extra).isNull();
        assertThat(decoder.finish()).isFalse();
        assertThat(decoded).isInstanceOf(original.getClass());
        assertSamePdu((IscsiPdu) decoded, original);
    }

    /** Compares every record component; byte arrays and buffers by content. */
    static void assertSamePdu(IscsiPdu decoded, IscsiPdu original) {
        for (RecordComponent component : original.getClass().getRecordComponents()) {
            Object expected = value(component, original);
            Object actual = value(component, decoded);
            if (expected instanceof byte[] cdb) {
                // the BHS holds 16 CDB bytes: a shorter CDB comes back zero-padded
                assertThat((byte[]) actual).as(component.getName()).isEqualTo(Arrays.copyOf(cdb, Math.max(16, cdb.length)));
            } else if (expected instanceof ByteBuf buffer) {
                assertThat(ByteBufUtil.equals((ByteBuf) actual, buffer)).as(component.getName()).isTrue();
            } else {
                assertThat(actual).as(component.getName()).isEqualTo(expected);
            }
        }
    }

    private static Object value(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static ByteBuf encode(IscsiPdu pdu, boolean digests) {
        PduEncoder encoder = new PduEncoder();
        encoder.digests(digests, digests);
        List<Object> out = new ArrayList<>();
        encoder.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, pdu, out);
        ByteBuf wire = Unpooled.buffer();
        for (Object part : out) {
            ByteBuf buf = (ByteBuf) part;
            wire.writeBytes(buf);
            buf.release();
        }
        return wire;
    }

    private static int ahsBytes(IscsiPdu pdu) {
        if (pdu instanceof ScsiCommandPdu command && command.cdb().length > 16) {
            return padded(4 + command.cdb().length - 16);
        }
        return 0;
    }

    private static int padded(int length) {
        return (length + 3) & ~3;
    }

    static ByteBuf text(String value) {
        return Unpooled.copiedBuffer(value, StandardCharsets.UTF_8);
    }

    static ByteBuf bytes(int length) {
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        return Unpooled.wrappedBuffer(data);
    }

    static byte[] cdb(int length) {
        byte[] cdb = new byte[length];
        for (int i = 0; i < length; i++) {
            cdb[i] = (byte) (i + 1);
        }
        cdb[0] = (byte) 0x8a;
        return cdb;
    }
}
