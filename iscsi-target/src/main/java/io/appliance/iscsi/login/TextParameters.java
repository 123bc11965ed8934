package io.appliance.iscsi.login;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Codec of the text data segment of Login and Text PDUs (RFC 7143 §6.1): a sequence of
 * {@code key=value} pairs, each terminated by a NUL byte, UTF-8 encoded.
 */
public final class TextParameters {

    /** RFC 7143 §6.1: a key name is at most 63 bytes. */
    public static final int MAX_KEY_LENGTH = 63;
    /**
     * RFC 7143 §6.1 allows 255 bytes for most values and 8192 for binary/text ones; this codec
     * enforces the larger bound, per-key bounds are checked by the negotiators.
     */
    public static final int MAX_VALUE_LENGTH = 8192;
    /** Our limit on pairs per segment (a login or text exchange needs a few dozen). */
    public static final int MAX_PAIRS = 256;

    private static final byte NUL = 0;
    private static final byte EQUALS = '=';

    private TextParameters() {
    }

    /**
     * Decodes NUL-terminated {@code key=value} pairs. Empty data gives an empty list. NUL bytes
     * after the last complete pair are taken as padding and ignored. Every length and the pair
     * count are checked on the raw bytes before any string is allocated.
     *
     * @throws TextFormatException when a pair has no '=', an empty or invalid key, a key over
     *         {@link #MAX_KEY_LENGTH} or a value over {@link #MAX_VALUE_LENGTH} bytes, the data does
     *         not end with NUL, the bytes are not UTF-8, or there are more than {@link #MAX_PAIRS}
     */
    public static List<TextParameter> decode(byte[] data) throws TextFormatException {
        int end = data.length;
        while (end > 0 && data[end - 1] == NUL && (end == 1 || data[end - 2] == NUL)) {
            end--;
        }
        if (end == 0) {
            return List.of();
        }
        if (data[end - 1] != NUL) {
            throw new TextFormatException("text segment does not end with NUL");
        }
        int pairs = 0;
        for (int i = 0; i < end; i++) {
            if (data[i] == NUL) {
                pairs++;
            }
        }
        if (pairs > MAX_PAIRS) {
            throw new TextFormatException("more than " + MAX_PAIRS + " key=value pairs");
        }
        List<TextParameter> parameters = new ArrayList<>(pairs);
        int start = 0;
        while (start < end) {
            int terminator = indexOf(data, NUL, start, end);
            int equals = indexOf(data, EQUALS, start, terminator);
            if (equals < 0) {
                throw new TextFormatException("pair " + (parameters.size() + 1) + " has no '='");
            }
            int keyLength = equals - start;
            int valueLength = terminator - equals - 1;
            if (keyLength == 0) {
                throw new TextFormatException("pair " + (parameters.size() + 1) + " has an empty key");
            }
            if (keyLength > MAX_KEY_LENGTH) {
                throw new TextFormatException("key of " + keyLength + " bytes exceeds " + MAX_KEY_LENGTH);
            }
            if (valueLength > MAX_VALUE_LENGTH) {
                throw new TextFormatException("value of " + valueLength + " bytes exceeds " + MAX_VALUE_LENGTH);
            }
            // RFC 7143 §6.1: key-name is letters, digits, '.', '-', '+', '@' and '_'
            for (int i = start; i < equals; i++) {
                if (!isKeyCharacter(data[i])) {
                    throw new TextFormatException("key has an invalid character at byte " + (i - start));
                }
            }
            String key = new String(data, start, keyLength, StandardCharsets.US_ASCII);
            String value = utf8(data, equals + 1, valueLength);
            parameters.add(new TextParameter(key, value));
            start = terminator + 1;
        }
        return parameters;
    }

    /** Encodes pairs as {@code key=value\0...} in UTF-8, without padding (the PDU layer pads). */
    public static byte[] encode(List<TextParameter> parameters) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TextParameter parameter : parameters) {
            out.writeBytes(parameter.key().getBytes(StandardCharsets.UTF_8));
            out.write(EQUALS);
            out.writeBytes(parameter.value().getBytes(StandardCharsets.UTF_8));
            out.write(NUL);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isKeyCharacter(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || b == '.' || b == '-' || b == '+' || b == '@' || b == '_';
    }

    private static String utf8(byte[] data, int offset, int length) throws TextFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new TextFormatException("value is not valid UTF-8");
        }
    }
}
