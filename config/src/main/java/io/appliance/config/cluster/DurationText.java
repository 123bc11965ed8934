package io.appliance.config.cluster;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them in cluster configuration: {@code 500ms}, {@code 2s}, {@code 1m},
 * {@code 1.5s}, {@code 1h}, a bare number of seconds ({@code 30}, Heartbeat's and Pacemaker's convention) or ISO-8601
 * ({@code PT1.5S}).
 */
public final class DurationText {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,3})?)\\s*(ms|s|sec|m|min|h)?");

    private DurationText() {
    }

    /**
     * @param field the field named in the error
     * @throws ClusterDefinitionException for anything else or a negative duration
     */
    public static Duration parse(String field, String text) {
        Checks.notNull(text, field);
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher simple = SIMPLE.matcher(trimmed);
        if (simple.matches()) {
            BigDecimal amount = new BigDecimal(simple.group(1));
            String unit = simple.group(2) == null ? "s" : simple.group(2);
            long millisPerUnit = switch (unit) {
                case "ms" -> 1;
                case "s", "sec" -> 1000;
                case "m", "min" -> 60_000;
                default -> 3_600_000;
            };
            try {
                return Duration.ofMillis(amount.multiply(BigDecimal.valueOf(millisPerUnit)).longValueExact());
            } catch (ArithmeticException e) {
                throw new ClusterDefinitionException(field, "'" + text + "' is not a whole number of milliseconds");
            }
        }
        try {
            Duration parsed = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            Checks.require(!parsed.isNegative(), field, "duration '" + text + "' is negative");
            return parsed;
        } catch (DateTimeParseException e) {
            throw new ClusterDefinitionException(field, "'" + text
                    + "' is not a duration: write e.g. 500ms, 2s, 1m, 1h, a number of seconds or ISO-8601 PT2S");
        }
    }

    /** The shortest of {@code 500ms}, {@code 2s}, {@code 3m}, {@code 1h}, else ISO-8601. */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            return duration.toString();
        }
        if (duration.toNanos() % 1_000_000 != 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
