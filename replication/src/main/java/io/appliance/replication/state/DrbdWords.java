package io.appliance.replication.state;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Looks up an enum constant by the word DRBD prints for it. */
final class DrbdWords {

    private DrbdWords() {
    }

    static <E extends Enum<E>> E lookup(E[] values, Function<E, String> drbdName, String word, String what) {
        for (E value : values) {
            if (drbdName.apply(value).equals(word)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + word + "' (valid: "
            + Arrays.stream(values).map(drbdName).collect(Collectors.joining(", ")) + ")");
    }
}
