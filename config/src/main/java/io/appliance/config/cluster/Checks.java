package io.appliance.config.cluster;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Small validation helpers shared by the records of this package. */
final class Checks {

    /** Node, resource and constraint names. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    static final String NAME_RULE = "1 to 63 of A-Z a-z 0-9 _ . - starting with a letter or digit";

    private Checks() {
    }

    static void require(boolean condition, String field, String message) {
        if (!condition) {
            throw new ClusterDefinitionException(field, message);
        }
    }

    static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new ClusterDefinitionException(field, field.substring(field.lastIndexOf('.') + 1) + " is required");
        }
        return value;
    }

    static String name(String value, String field, String what) {
        notNull(value, field);
        require(NAME.matcher(value).matches(), field, what + " '" + value + "' must be " + NAME_RULE);
        return value;
    }

    static Duration duration(Duration value, String field, Duration min, Duration max) {
        notNull(value, field);
        require(value.compareTo(min) >= 0 && value.compareTo(max) <= 0, field,
                field.substring(field.lastIndexOf('.') + 1) + " " + DurationText.format(value) + " out of range "
                        + DurationText.format(min) + ".." + DurationText.format(max));
        return value;
    }

    /** An immutable copy with sorted keys (a stable order for digests and rendering); refuses null keys and values. */
    static Map<String, String> sortedCopy(Map<String, String> map, String field) {
        notNull(map, field);
        TreeMap<String, String> sorted = new TreeMap<>();
        map.forEach((key, value) -> {
            require(key != null && value != null, field, "keys and values must not be empty (null)");
            sorted.put(key, value);
        });
        return Collections.unmodifiableMap(sorted);
    }
}
