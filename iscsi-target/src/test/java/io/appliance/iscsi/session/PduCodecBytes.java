package io.appliance.iscsi.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;

/** Test data. */
final class PduCodecBytes {

    private PduCodecBytes() {
    }

    static ByteBuf random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return Unpooled.wrappedBuffer(data);
    }
}
