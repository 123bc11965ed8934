package io.appliance.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The iSCSI digest, CRC32C (RFC 7143 §13.1, Appendix B.4): computed over the header or over the
 * data segment with its padding, sent least significant byte first (the B.4 test vector of 32
 * zero bytes is {@code aa 36 91 8a} on the wire).
 */
public final class Crc32c {

    private static final byte[] ZERO_PADDING = new byte[3];

    private Crc32c() {
    }

    /** The digest of {@code length} bytes at {@code index}, followed by {@code zeroPadding} zero bytes. */
    public static int of(ByteBuf buf, int index, int length, int zeroPadding) {
        CRC32C crc = new CRC32C();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else if (buf.nioBufferCount() == 1) {
            crc.update(buf.nioBuffer(index, length));
        } else {
            for (ByteBuffer component : buf.nioBuffers(index, length)) {
                crc.update(component);
            }
        }
        crc.update(ZERO_PADDING, 0, zeroPadding);
        return (int) crc.getValue();
    }

    /** Writes a digest in wire byte order. */
    public static void write(ByteBuf out, int digest) {
        out.writeIntLE(digest);
    }

    /** Reads a digest in wire byte order. */
    public static int read(ByteBuf in, int index) {
        return in.getIntLE(index);
    }
}
