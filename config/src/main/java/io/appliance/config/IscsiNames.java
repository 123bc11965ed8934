package io.appliance.config;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * iSCSI names (RFC 3720 §3.2.6, carried over unchanged by RFC 7143 §4.2.7): the {@code iqn.},
 * {@code eui.} and {@code naa.} forms.
 *
 * <p>Names compare case-insensitively: the stringprep profile of RFC 3722 folds case, so upper-case
 * ASCII letters are accepted here and {@link #normalize} lower-cases them. Non-ASCII characters,
 * which RFC 3722 would admit after nameprep, are refused: this appliance does not implement
 * stringprep, and a name it cannot normalise must not reach the wire.
 */
public final class IscsiNames {

    /** RFC 3720 §3.2.6.1: an iSCSI name is at most 223 bytes in UTF-8. */
    public static final int MAX_BYTES = 223;

    // RFC 3720 §3.2.6.3.1: "iqn." yyyy-mm "." reversed domain name [":" unique string]
    private static final Pattern IQN = Pattern.compile(
            "iqn\\.(\\d{4})-(\\d{2})\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[a-z0-9.:-]*)?");
    // RFC 3720 §3.2.6.3.2: "eui." and the EUI-64 identifier in 16 hexadecimal digits
    private static final Pattern EUI = Pattern.compile("eui\\.[0-9a-f]{16}");
    // RFC 3980 §2: "naa." and a 64- or 128-bit NAA identifier in hexadecimal
    private static final Pattern NAA = Pattern.compile("naa\\.(?:[0-9a-f]{16}|[0-9a-f]{32})");
    // RFC 3720 §3.2.6.2: ASCII names use only '-', '.', ':', lower-case letters and digits
    private static final Pattern ALLOWED_CHARACTERS = Pattern.compile("[a-z0-9.:-]*");

    private IscsiNames() {
    }

    /** True when {@code name} is a valid iSCSI name. */
    public static boolean isValid(String name) {
        return problem(name).isEmpty();
    }

    /** Why {@code name} is not a valid iSCSI name, or empty when it is one. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("must be an iSCSI name (iqn.yyyy-mm.reversed.domain[:id], eui.<16 hex>, naa.<16|32 hex>)");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("must be at most " + MAX_BYTES + " bytes (RFC 3720 §3.2.6.1)");
        }
        String folded = normalize(name);
        if (!ALLOWED_CHARACTERS.matcher(folded).matches()) {
            return Optional.of("may only contain letters, digits, '-', '.' and ':' (RFC 3720 §3.2.6.2)");
        }
        if (folded.startsWith("iqn.")) {
            var iqn = IQN.matcher(folded);
            if (!iqn.matches()) {
                return Optional.of("must look like iqn.yyyy-mm.reversed.domain[:unique-name] (RFC 3720 §3.2.6.3.1)");
            }
            int month = Integer.parseInt(iqn.group(2));
            if (month < 1 || month > 12) {
                return Optional.of("has month " + iqn.group(2) + " in its date; must be 01..12 (RFC 3720 §3.2.6.3.1)");
            }
            return Optional.empty();
        }
        if (folded.startsWith("eui.")) {
            return EUI.matcher(folded).matches()
                    ? Optional.empty()
                    : Optional.of("must be eui. followed by 16 hexadecimal digits (RFC 3720 §3.2.6.3.2)");
        }
        if (folded.startsWith("naa.")) {
            return NAA.matcher(folded).matches()
                    ? Optional.empty()
                    : Optional.of("must be naa. followed by 16 or 32 hexadecimal digits (RFC 3980 §2)");
        }
        return Optional.of("must start with iqn., eui. or naa. (RFC 3720 §3.2.6.3)");
    }

    /** The case-folded form under which two names are the same name (RFC 3722). */
    public static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
