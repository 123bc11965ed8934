package io.appliance.node.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names lvm2 accepts for volume groups and logical volumes (lvm(8) "VALID NAMES"): letters,
 * digits and {@code + _ . -}, not starting with '-', not {@code .} or {@code ..}, at most 127
 * characters. Checked here so that a bad name is a 422 naming the field, not an lvm2 error.
 */
public final class LvmNames {

    public static final String REGEX = "(?!-)(?!\\.{1,2}$)[A-Za-z0-9+_.-]{1,127}";
    public static final String RULE = "must be 1..127 letters, digits, '+', '_', '.' or '-', not starting with '-'";
    private static final Pattern VALID = Pattern.compile(REGEX);
    private static final int MAX_LENGTH = 127;

    private LvmNames() {
    }

    public static boolean valid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /**
     * A valid volume name made from {@code base} (e.g. a target alias) and {@code suffix}: characters
     * lvm2 refuses become '-'.
     */
    public static String derive(String base, String suffix) {
        String safe = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9+_.-]", "-").replaceAll("^-+", "");
        String name = (safe.isEmpty() ? "lun" : safe) + suffix;
        return name.length() <= MAX_LENGTH ? name : name.substring(name.length() - MAX_LENGTH).replaceAll("^-+", "");
    }
}
