package io.appliance.lvm;

import java.util.List;
import java.util.regex.Pattern;

/**
 * lvm2's naming rules (lvm(8), "VALID NAMES"), checked before any tool runs so that a bad name
 * is refused with a clear message instead of a half-understood lvm2 error.
 */
final class LvmNames {

    /** lvm2's NAME_LEN is 128 including the terminating NUL. */
    static final int MAX_LENGTH = 127;

    private static final Pattern VALID_CHARACTERS = Pattern.compile("[A-Za-z0-9+_.-]+");

    /** lvm(8): an LV cannot be called "snapshot" or "pvmove" (lvm2 refuses those as prefixes too). */
    private static final List<String> RESERVED_VOLUME_PREFIXES = List.of("snapshot", "pvmove");

    /** lvm(8): substrings lvm2 keeps for the hidden sub-LVs of mirrors, RAID, thin, cache, VDO. */
    private static final List<String> RESERVED_VOLUME_INFIXES = List.of("_cdata", "_cmeta", "_corig", "_iorig",
            "_mimage", "_mlog", "_pmspare", "_rimage", "_rmeta", "_tdata", "_tmeta", "_vdata", "_vorigin", "_wcorig");

    private LvmNames() {
    }

    static void checkPoolName(String name) throws LvmException {
        checkCommonRules("pool", name);
    }

    static void checkVolumeName(String name) throws LvmException {
        checkCommonRules("volume", name);
        for (String prefix : RESERVED_VOLUME_PREFIXES) {
            if (name.startsWith(prefix)) {
                throw invalid("volume", name, "names starting with \"" + prefix + "\" are reserved by lvm2");
            }
        }
        for (String infix : RESERVED_VOLUME_INFIXES) {
            if (name.contains(infix)) {
                throw invalid("volume", name, "\"" + infix + "\" is reserved by lvm2 for its internal volumes");
            }
        }
    }

    /** A device argument must be an absolute path; anything else could be taken as an option or a VG. */
    static void checkDevicePath(String device) throws LvmException {
        if (device == null || !device.startsWith("/") || device.length() > 4096
                || device.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new LvmException(LvmException.Reason.INVALID_ARGUMENT,
                    "device \"" + device + "\" is not an absolute device path: give it as /dev/sdX, /dev/disk/by-id/...");
        }
    }

    private static void checkCommonRules(String kind, String name) throws LvmException {
        if (name == null || name.isEmpty()) {
            throw new LvmException(LvmException.Reason.INVALID_ARGUMENT, "a " + kind + " name is required");
        }
        if (name.length() > MAX_LENGTH) {
            throw invalid(kind, name, "at most " + MAX_LENGTH + " characters are allowed");
        }
        if (!VALID_CHARACTERS.matcher(name).matches()) {
            throw invalid(kind, name, "only letters, digits and + _ . - are allowed");
        }
        if (name.startsWith("-")) {
            throw invalid(kind, name, "it must not start with '-'");
        }
        if (name.equals(".") || name.equals("..")) {
            throw invalid(kind, name, "\".\" and \"..\" are reserved");
        }
    }

    private static LvmException invalid(String kind, String name, String rule) {
        String shown = name.length() > MAX_LENGTH ? name.substring(0, 32) + "..." : name;
        return new LvmException(LvmException.Reason.INVALID_ARGUMENT,
                "invalid " + kind + " name \"" + shown + "\": " + rule);
    }
}
