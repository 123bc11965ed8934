package io.appliance.config.cluster;

import java.util.Locale;

/**
 * A Pacemaker score: an integer where {@value #INFINITY_VALUE} means "always" ({@link #INFINITY}) and its
 * negation "never" ({@link #MINUS_INFINITY}). Values beyond are clamped, sums saturate, and "never" wins
 * over everything: {@code -INFINITY + INFINITY = -INFINITY}.
 */
public record Score(long value) implements Comparable<Score> {

    public static final long INFINITY_VALUE = 1_000_000;
    public static final Score INFINITY = new Score(INFINITY_VALUE);
    public static final Score MINUS_INFINITY = new Score(-INFINITY_VALUE);
    public static final Score ZERO = new Score(0);

    public Score {
        value = Math.max(-INFINITY_VALUE, Math.min(INFINITY_VALUE, value));
    }

    public static Score of(long value) {
        return new Score(value);
    }

    /**
     * Reads {@code INFINITY}, {@code +INFINITY}, {@code -INFINITY}, {@code inf}, {@code +inf}, {@code -inf}
     * (any case) or a decimal integer.
     *
     * @throws ClusterDefinitionException with field {@code score}
     */
    public static Score parse(String text) {
        return parse("score", text);
    }

    /** As {@link #parse(String)}, naming {@code field} in the error. */
    public static Score parse(String field, String text) {
        Checks.notNull(text, field);
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        switch (trimmed) {
            case "infinity", "+infinity", "inf", "+inf":
                return INFINITY;
            case "-infinity", "-inf":
                return MINUS_INFINITY;
            default:
                try {
                    return new Score(Long.parseLong(trimmed));
                } catch (NumberFormatException e) {
                    throw new ClusterDefinitionException(field,
                            "'" + text + "' is not a score: write an integer, INFINITY or -INFINITY");
                }
        }
    }

    /** The saturating sum: {@code -INFINITY} if either is, else {@code INFINITY} if either is, else the clamped sum. */
    public Score plus(Score other) {
        if (isMinusInfinity() || other.isMinusInfinity()) {
            return MINUS_INFINITY;
        }
        if (isInfinity() || other.isInfinity()) {
            return INFINITY;
        }
        return new Score(value + other.value);
    }

    public boolean isInfinity() {
        return value == INFINITY_VALUE;
    }

    public boolean isMinusInfinity() {
        return value == -INFINITY_VALUE;
    }

    @Override
    public int compareTo(Score other) {
        return Long.compare(value, other.value);
    }

    /** {@code INFINITY}, {@code -INFINITY} or the number. */
    @Override
    public String toString() {
        return isInfinity() ? "INFINITY" : isMinusInfinity() ? "-INFINITY" : Long.toString(value);
    }
}
