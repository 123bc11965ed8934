package io.appliance.lvm;

import java.util.Locale;

/** Byte counts for operator messages: {@code 4 MiB}, {@code 1.5 GiB}, {@code 512 B}. */
final class ByteCounts {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteCounts() {
    }

    static String describe(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        long whole = (long) value;
        return (value == whole ? Long.toString(whole) : String.format(Locale.ROOT, "%.1f", value))
                + " " + UNITS[unit];
    }
}
