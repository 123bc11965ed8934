package io.appliance.config.replication;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Lookup of enum constants by their DRBD spelling, with an error that lists the valid spellings. */
final class DrbdNames {

    private DrbdNames() {
    }

    static <E extends Enum<E>> E lookup(E[] constants, Function<E, String> drbdName, String text, String what) {
        if (text != null) {
            String wanted = text.toLowerCase(Locale.ROOT);
            for (E constant : constants) {
                if (drbdName.apply(constant).toLowerCase(Locale.ROOT).equals(wanted)) {
                    return constant;
                }
            }
        }
        String valid = Arrays.stream(constants).map(drbdName).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unknown " + what + " '" + text + "' (valid: " + valid + ")");
    }
}
