package io.appliance.replication.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one payload (a slice of exactly the payload length) and checks each one;
 * a short payload, an out-of-range value or bad UTF-8 is a {@link MalformedPayloadException}
 * naming the field. Nothing is allocated before its length has been checked.
 */
final class PayloadReader {

    private final ByteBuf payload;
    private final int maxDataBytes;

    PayloadReader(ByteBuf payload, int maxDataBytes) {
        this.payload = payload;
        this.maxDataBytes = maxDataBytes;
    }

    private void need(int bytes, String field) throws MalformedPayloadException {
        if (payload.readableBytes() < bytes) {
            throw new MalformedPayloadException("payload ends inside field '" + field + "'");
        }
    }

    int u8(String field) throws MalformedPayloadException {
        need(1, field);
        return payload.readUnsignedByte();
    }

    int int32(String field) throws MalformedPayloadException {
        need(4, field);
        return payload.readInt();
    }

    long int64(String field) throws MalformedPayloadException {
        need(8, field);
        return payload.readLong();
    }

    boolean bool(String field) throws MalformedPayloadException {
        int value = u8(field);
        if (value > 1) {
            throw new MalformedPayloadException("field '" + field + "' is " + value + ", not a boolean 0 or 1");
        }
        return value == 1;
    }

    <E extends Enum<E>> E enumValue(E[] values, String field) throws MalformedPayloadException {
        int ordinal = u8(field);
        if (ordinal >= values.length) {
            throw new MalformedPayloadException("field '" + field + "' ordinal " + ordinal
                    + " out of range 0.." + (values.length - 1));
        }
        return values[ordinal];
    }

    long nonNegative(String field) throws MalformedPayloadException {
        long value = int64(field);
        if (value < 0) {
            throw new MalformedPayloadException("field '" + field + "' is negative: " + value);
        }
        return value;
    }

    /** A byte offset on the device: non-negative and sector aligned. */
    long offset(String field) throws MalformedPayloadException {
        long value = nonNegative(field);
        if (value % WireFormat.SECTOR_BYTES != 0) {
            throw new MalformedPayloadException("field '" + field + "' " + value + " is not a multiple of "
                    + WireFormat.SECTOR_BYTES);
        }
        return value;
    }

    /** An I/O length in a u32: positive, sector aligned, at most {@code max}. */
    int ioLength(String field, long max) throws MalformedPayloadException {
        long value = Integer.toUnsignedLong(int32(field));
        checkIoLength(field, value, max);
        return (int) value;
    }

    /** A discard length in a u64: positive and sector aligned. */
    long discardLength(String field) throws MalformedPayloadException {
        long value = int64(field);
        checkIoLength(field, value, Long.MAX_VALUE);
        return value;
    }

    private static void checkIoLength(String field, long value, long max) throws MalformedPayloadException {
        if (value <= 0 || value > max) {
            throw new MalformedPayloadException("field '" + field + "' " + value + " out of range 1.." + max);
        }
        if (value % WireFormat.SECTOR_BYTES != 0) {
            throw new MalformedPayloadException("field '" + field + "' " + value + " is not a multiple of "
                    + WireFormat.SECTOR_BYTES);
        }
    }

    /** u16 length + UTF-8, at most {@link WireFormat#MAX_STRING_BYTES}, strictly valid UTF-8. */
    String string(String field) throws MalformedPayloadException {
        need(2, field);
        int length = payload.readUnsignedShort();
        if (length > WireFormat.MAX_STRING_BYTES) {
            throw new MalformedPayloadException("string '" + field + "' of " + length + " bytes, more than "
                    + WireFormat.MAX_STRING_BYTES);
        }
        need(length, field);
        ByteBuffer bytes = payload.nioBuffer(payload.readerIndex(), length);
        payload.skipBytes(length);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new MalformedPayloadException("string '" + field + "' is not valid UTF-8");
        }
    }

    /** u8 length + bytes, the length within [min, max]. */
    byte[] shortBytes(String field, int min, int max) throws MalformedPayloadException {
        int length = u8(field);
        if (length < min || length > max) {
            throw new MalformedPayloadException("field '" + field + "' of " + length + " bytes, outside "
                    + min + ".." + max);
        }
        need(length, field);
        byte[] bytes = new byte[length];
        payload.readBytes(bytes);
        return bytes;
    }

    /** u32 length + bytes, the length at most {@code max}; checked before the array is allocated. */
    byte[] longBytes(String field, int max) throws MalformedPayloadException {
        long length = Integer.toUnsignedLong(int32(field + " length"));
        if (length > max) {
            throw new MalformedPayloadException("field '" + field + "' of " + length + " bytes, more than " + max);
        }
        need((int) length, field);
        byte[] bytes = new byte[(int) length];
        payload.readBytes(bytes);
        return bytes;
    }

    /** u32 count + count u64 words; the count is checked before the array is allocated. */
    long[] words(String field, int maxWords) throws MalformedPayloadException {
        long count = Integer.toUnsignedLong(int32(field + " count"));
        if (count < 1 || count > maxWords) {
            throw new MalformedPayloadException("field '" + field + "' count " + count + " out of range 1.." + maxWords);
        }
        if (payload.readableBytes() != count * Long.BYTES) {
            throw new MalformedPayloadException("field '" + field + "' count " + count + " does not match the "
                    + payload.readableBytes() + " bytes left");
        }
        long[] words = new long[(int) count];
        for (int i = 0; i < words.length; i++) {
            words[i] = payload.readLong();
        }
        return words;
    }

    /**
     * The rest of the payload as block data: non-empty, sector aligned, at most maxDataBytes. The
     * result is a retained slice of the received bytes; the caller owns the reference.
     */
    ByteBuf data(String field) throws MalformedPayloadException {
        long length = payload.readableBytes();
        checkIoLength(field, length, maxDataBytes);
        return payload.readRetainedSlice((int) length);
    }

    /** Every byte of the payload must have been consumed by its fields. */
    void end() throws MalformedPayloadException {
        if (payload.isReadable()) {
            throw new MalformedPayloadException(payload.readableBytes() + " trailing bytes after the last field");
        }
    }

    int maxDataBytes() {
        return maxDataBytes;
    }
}
