package io.appliance.iscsi.login;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The binary-value encodings of RFC 7143 §6.1: hex-constant ({@code 0x} followed by hex digits)
 * and base64-constant ({@code 0b} followed by RFC 4648 base64).
 */
final class BinaryValues {

    private static final HexFormat HEX = HexFormat.of();

    private BinaryValues() {
    }

    /**
     * Decodes a hex or base64 constant of at most {@code maxBytes} decoded bytes. The encoded
     * length is checked before anything is decoded. Empty when malformed, empty or too long.
     */
    static Optional<byte[]> decode(String value, int maxBytes) {
        if (value.length() <= 2 || value.charAt(0) != '0') {
            return Optional.empty();
        }
        char prefix = value.charAt(1);
        String body = value.substring(2);
        if (prefix == 'x' || prefix == 'X') {
            return decodeHex(body, maxBytes);
        }
        if (prefix == 'b' || prefix == 'B') {
            return decodeBase64(body, maxBytes);
        }
        return Optional.empty();
    }

    /** Encodes as a hex-constant, the form every initiator reads. */
    static String encodeHex(byte[] bytes) {
        return "0x" + HEX.formatHex(bytes);
    }

    private static Optional<byte[]> decodeHex(String digits, int maxBytes) {
        if ((digits.length() + 1) / 2 > maxBytes) {
            return Optional.empty();
        }
        if (!KeyValues.allDigits(digits, 16)) {
            return Optional.empty();
        }
        // an odd number of digits has an implied leading zero
        String even = digits.length() % 2 == 0 ? digits : "0" + digits;
        return Optional.of(HEX.parseHex(even));
    }

    private static Optional<byte[]> decodeBase64(String text, int maxBytes) {
        if ((long) text.length() / 4 * 3 > maxBytes + 2L) {
            return Optional.empty();
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
        if (decoded.length == 0 || decoded.length > maxBytes) {
            return Optional.empty();
        }
        return Optional.of(decoded);
    }
}
