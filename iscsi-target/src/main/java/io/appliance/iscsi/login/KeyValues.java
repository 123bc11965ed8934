package io.appliance.iscsi.login;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Parsing and formatting of the value types of RFC 7143 §6.1 and the constants of §6.2. */
final class KeyValues {

    static final String YES = "Yes";
    static final String NO = "No";
    static final String NONE = "None";
    /** §6.2: the acceptor does not accept any offered value. */
    static final String REJECT = "Reject";
    /** §6.2: the key does not apply to the current negotiation. */
    static final String IRRELEVANT = "Irrelevant";
    /** §6.2: the key is not understood. */
    static final String NOT_UNDERSTOOD = "NotUnderstood";

    /** Digits of 2**64 - 1, the largest numerical-value (§6.1). */
    private static final int MAX_DECIMAL_DIGITS = 20;
    private static final int MAX_HEX_DIGITS = 16;

    private KeyValues() {
    }

    /**
     * §6.2: Reject, Irrelevant and NotUnderstood are answers only; offering one is a protocol
     * error.
     */
    static boolean isAnswerConstant(String value) {
        return value.equals(REJECT) || value.equals(IRRELEVANT) || value.equals(NOT_UNDERSTOOD);
    }

    /**
     * A numerical-value (§6.1): a decimal-constant or a hex-constant ({@code 0x...}). Empty when
     * malformed or when it does not fit in a signed long (it is then out of every key's range).
     */
    static OptionalLong numerical(String value) {
        if (value.length() > 2 && (value.startsWith("0x") || value.startsWith("0X"))) {
            String digits = value.substring(2);
            if (digits.length() > MAX_HEX_DIGITS || !allDigits(digits, 16)) {
                return OptionalLong.empty();
            }
            long parsed = Long.parseUnsignedLong(digits, 16);
            return parsed < 0 ? OptionalLong.empty() : OptionalLong.of(parsed);
        }
        if (value.isEmpty() || value.length() > MAX_DECIMAL_DIGITS || !allDigits(value, 10)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException tooLarge) {
            return OptionalLong.empty();
        }
    }

    /** A numerical-value within {@code [min, max]}, else empty. */
    static OptionalLong numericalInRange(String value, long min, long max) {
        OptionalLong parsed = numerical(value);
        if (parsed.isEmpty() || parsed.getAsLong() < min || parsed.getAsLong() > max) {
            return OptionalLong.empty();
        }
        return parsed;
    }

    /** A boolean-value (§6.1): exactly "Yes" or "No". */
    static Optional<Boolean> bool(String value) {
        if (value.equals(YES)) {
            return Optional.of(Boolean.TRUE);
        }
        if (value.equals(NO)) {
            return Optional.of(Boolean.FALSE);
        }
        return Optional.empty();
    }

    static String bool(boolean value) {
        return value ? YES : NO;
    }

    /** A list-of-values (§6.1): comma separated, in the sender's order of preference. */
    static List<String> list(String value) {
        List<String> values = new ArrayList<>();
        int start = 0;
        while (true) {
            int comma = value.indexOf(',', start);
            if (comma < 0) {
                values.add(value.substring(start));
                return values;
            }
            values.add(value.substring(start, comma));
            start = comma + 1;
        }
    }

    /** ASCII digits only: {@link Character#digit} would also accept other scripts' digits. */
    static boolean allDigits(String text, int radix) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean decimal = c >= '0' && c <= '9';
            boolean hex = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!(decimal || (radix == 16 && hex))) {
                return false;
            }
        }
        return true;
    }
}
