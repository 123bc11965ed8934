package io.appliance.replication.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Argument checks shared by the packet records: what a record accepts, its encoder can write. */
final class FieldChecks {

    private FieldChecks() {
    }

    static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " is negative: " + value);
        }
        return value;
    }

    static long offset(long value, String field) {
        nonNegative(value, field);
        if (value % WireFormat.SECTOR_BYTES != 0) {
            throw new IllegalArgumentException(field + " " + value + " is not a multiple of " + WireFormat.SECTOR_BYTES);
        }
        return value;
    }

    static long ioLength(long value, String field) {
        if (value <= 0 || value % WireFormat.SECTOR_BYTES != 0) {
            throw new IllegalArgumentException(field + " " + value + " is not a positive multiple of "
                    + WireFormat.SECTOR_BYTES);
        }
        return value;
    }

    static ByteBuf data(ByteBuf data) {
        Objects.requireNonNull(data, "data");
        int length = data.readableBytes();
        if (length <= 0 || length % WireFormat.SECTOR_BYTES != 0 || length > WireFormat.MAX_DATA_BYTES_LIMIT) {
            throw new IllegalArgumentException("data length " + length + " is not a positive multiple of "
                    + WireFormat.SECTOR_BYTES + " up to " + WireFormat.MAX_DATA_BYTES_LIMIT);
        }
        return data;
    }

    /** A name-like string that must travel unchanged: at most 255 UTF-8 bytes. */
    static String encodable(String value, String field) {
        Objects.requireNonNull(value, field);
        int length = utf8Length(value);
        if (length > WireFormat.MAX_STRING_BYTES) {
            throw new IllegalArgumentException(field + " is " + length + " UTF-8 bytes, more than "
                    + WireFormat.MAX_STRING_BYTES);
        }
        return value;
    }

    /** A free-text message: cut to the longest prefix of whole characters that fits 255 UTF-8 bytes. */
    static String truncated(String value, String field) {
        Objects.requireNonNull(value, field);
        if (utf8Length(value) <= WireFormat.MAX_STRING_BYTES) {
            return value;
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        ByteBuffer out = ByteBuffer.allocate(WireFormat.MAX_STRING_BYTES);
        CharBuffer in = CharBuffer.wrap(value);
        encoder.encode(in, out, true);
        return value.substring(0, in.position());
    }

    static byte[] bytes(byte[] value, int min, int max, String field) {
        Objects.requireNonNull(value, field);
        if (value.length < min || value.length > max) {
            throw new IllegalArgumentException(field + " of " + value.length + " bytes, outside " + min + ".." + max);
        }
        return value.clone();
    }

    private static int utf8Length(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }
}
