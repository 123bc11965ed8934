package io.appliance.config.replication;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DRBD's value syntax, shared by the {@code .res} importer and the appliance's YAML so that both read
 * {@code 40M} or {@code ipv6 [fd00::1]:7789} the same way. Every method throws
 * {@link IllegalArgumentException} with a message that shows the text and the expected form.
 *
 * <p>Units (drbd.conf(5)): {@code k}/{@code K}, {@code m}/{@code M}, {@code g}/{@code G} are powers of
 * 1024; a rate written without unit ({@code resync-rate}, {@code c-min-rate}, {@code syncer rate}) is
 * in KiB/s; {@code ping-timeout} and {@code timeout} are in tenths of a second, {@code connect-int}
 * and {@code ping-int} in seconds.
 */
public final class ResourceDefinitionParsing {

    private static final Pattern NUMBER_WITH_UNIT = Pattern.compile("([0-9]{1,19})([A-Za-z]?)");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");
    private static final long MAX_TIME_VALUE = 1_000_000_000L;
    private static final String DISCARD_NODE_PREFIX = "discard-node-";

    private ResourceDefinitionParsing() {
    }

    /** A replication address: {@code family} is {@code ipv4} or {@code ipv6}; {@code host} has no brackets. */
    public record Address(String family, String host, int port) {
    }

    /** {@code after-sb-0pri}: the policy, and the NODENAME of {@code discard-node-NODENAME}. */
    public record AfterSb0PriSetting(AfterSb0Pri policy, Optional<String> discardNode) {
    }

    /**
     * A rate such as {@code resync-rate 40M}: a plain number is KiB/s; {@code k}, {@code M}, {@code G}
     * (either case) are KiB/s, MiB/s, GiB/s.
     *
     * @return bytes per second
     */
    public static long parseRateBytesPerSecond(String text) {
        return parseScaled(text, 1024, "a rate (a number of KiB/s, or a number with unit k, M or G)");
    }

    /**
     * A size such as {@code 1M}: a plain number is bytes; {@code s} is 512-byte sectors; {@code k},
     * {@code M}, {@code G}, {@code T} (either case) are powers of 1024.
     *
     * @return bytes
     */
    public static long parseSizeBytes(String text) {
        return parseScaled(text, 1, "a size (a number of bytes, or a number with unit s, k, M, G or T)");
    }

    /** {@code ping-timeout} and {@code timeout}: a whole number of tenths of a second. */
    public static Duration parseTenthsOfSecond(String text) {
        long tenths = parsePlainNumber(text, "a number of tenths of a second");
        if (tenths > MAX_TIME_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is too large for a time");
        }
        return Duration.ofMillis(100 * tenths);
    }

    /** {@code connect-int} and {@code ping-int}: a whole number of seconds. */
    public static Duration parseSeconds(String text) {
        long seconds = parsePlainNumber(text, "a number of seconds");
        if (seconds > MAX_TIME_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is too large for a time");
        }
        return Duration.ofSeconds(seconds);
    }

    /**
     * A whole number, without unit.
     *
     * @throws IllegalArgumentException if the text is not a number within {@code min..max}
     */
    public static int parseInteger(String text, int min, int max) {
        long value = parsePlainNumber(text, "a whole number");
        if (value < min || value > max) {
            throw new IllegalArgumentException("'" + text + "' out of range " + min + ".." + max);
        }
        return (int) value;
    }

    /** A DRBD boolean: {@code yes}/{@code no} (also {@code true}/{@code false}, {@code on}/{@code off}). */
    public static boolean parseYesNo(String text) {
        switch (String.valueOf(text).toLowerCase(Locale.ROOT)) {
            case "yes", "true", "on":
                return true;
            case "no", "false", "off":
                return false;
            default:
                throw new IllegalArgumentException("'" + text + "' is not yes or no");
        }
    }

    /**
     * A replication address as in drbd.conf {@code address [AF] ADDR:PORT}: {@code 10.0.0.1:7789},
     * {@code ipv4 10.0.0.1:7789}, {@code ipv6 [fd00::1]:7789}. Without a family, a bracketed address is
     * IPv6 and anything else an IPv4 literal or a host name (drbdadm itself wants IP literals); with
     * {@code ipv4} the address must be an IPv4 literal. Other DRBD families (ssocks, sdp, sci) are
     * refused.
     */
    public static Address parseAddress(String text) {
        String trimmed = String.valueOf(text).trim();
        String family = null;
        String rest = trimmed;
        int space = indexOfWhitespace(trimmed);
        if (space >= 0) {
            family = trimmed.substring(0, space).toLowerCase(Locale.ROOT);
            rest = trimmed.substring(space).trim();
            if (!family.equals("ipv4") && !family.equals("ipv6")) {
                throw new IllegalArgumentException("address family '" + trimmed.substring(0, space)
                        + "' is not supported (use ipv4 or ipv6)");
            }
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            throw new IllegalArgumentException("address '" + trimmed + "' is not ADDRESS:PORT (e.g. 10.0.0.1:7789 or ipv6 [fd00::1]:7789)");
        }
        String hostPart = rest.substring(0, colon);
        int port = parsePort(rest.substring(colon + 1), trimmed);
        boolean bracketed = hostPart.startsWith("[") && hostPart.endsWith("]") && hostPart.length() > 2;
        if (bracketed || "ipv6".equals(family)) {
            if (!bracketed) {
                throw new IllegalArgumentException("ipv6 address '" + trimmed + "' needs brackets: ipv6 [ADDRESS]:PORT");
            }
            if (family == null || family.equals("ipv6")) {
                String host = hostPart.substring(1, hostPart.length() - 1);
                if (!IPV6_CHARACTERS.matcher(host).matches() || host.indexOf(':') < 0) {
                    throw new IllegalArgumentException("'" + host + "' in address '" + trimmed + "' is not an IPv6 address");
                }
                return new Address("ipv6", host, port);
            }
            throw new IllegalArgumentException("address '" + trimmed + "': a bracketed address is IPv6, write ipv6 [ADDRESS]:PORT");
        }
        if (IPV4.matcher(hostPart).matches()) {
            return new Address("ipv4", hostPart, port);
        }
        if (family == null && HOST_NAME.matcher(hostPart).matches() && hostPart.length() <= 253
                && !hostPart.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            return new Address("ipv4", hostPart, port);
        }
        throw new IllegalArgumentException("'" + hostPart + "' in address '" + trimmed + "' is not an IPv4 address"
                + (family == null ? " or host name" : ""));
    }

    /**
     * {@code after-sb-0pri}: one of the {@link AfterSb0Pri} names, or {@code discard-node-NODENAME}.
     */
    public static AfterSb0PriSetting parseAfterSb0Pri(String text) {
        String value = String.valueOf(text);
        if (value.startsWith(DISCARD_NODE_PREFIX) && value.length() > DISCARD_NODE_PREFIX.length()) {
            return new AfterSb0PriSetting(AfterSb0Pri.DISCARD_NODE, Optional.of(value.substring(DISCARD_NODE_PREFIX.length())));
        }
        if (value.equals("discard-local") || value.equals("discard-remote")) {
            throw new IllegalArgumentException("DRBD 9's " + value + " depends on which node reads the file and is not"
                    + " supported: use discard-node-NODENAME");
        }
        if (value.equalsIgnoreCase(AfterSb0Pri.DISCARD_NODE.drbdName())) {
            throw new IllegalArgumentException("after-sb-0pri discard-node needs a node name: discard-node-NODENAME");
        }
        return new AfterSb0PriSetting(AfterSb0Pri.fromDrbdName(value), Optional.empty());
    }

    private static int parsePort(String text, String address) {
        try {
            return parseInteger(text, 1, 65535);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("port '" + text + "' in address '" + address + "' is not a number 1..65535", e);
        }
    }

    private static int indexOfWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static long parsePlainNumber(String text, String expected) {
        Matcher matcher = NUMBER_WITH_UNIT.matcher(String.valueOf(text));
        if (!matcher.matches() || !matcher.group(2).isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not " + expected);
        }
        return toLong(matcher.group(1), text, expected);
    }

    private static long parseScaled(String text, long plainUnit, String expected) {
        Matcher matcher = NUMBER_WITH_UNIT.matcher(String.valueOf(text));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not " + expected);
        }
        long number = toLong(matcher.group(1), text, expected);
        long unit = switch (matcher.group(2)) {
            case "" -> plainUnit;
            case "s" -> plainUnit == 1 ? 512 : -1;
            case "k", "K" -> 1024L;
            case "m", "M" -> 1024L * 1024;
            case "g", "G" -> 1024L * 1024 * 1024;
            case "t", "T" -> plainUnit == 1 ? 1024L * 1024 * 1024 * 1024 : -1;
            default -> -1;
        };
        if (unit < 0) {
            throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + matcher.group(2) + "': expected " + expected);
        }
        try {
            return Math.multiplyExact(number, unit);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large", e);
        }
    }

    private static long toLong(String digits, String text, String expected) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large for " + expected, e);
        }
    }
}
