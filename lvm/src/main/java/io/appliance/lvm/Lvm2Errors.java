package io.appliance.lvm;

import io.appliance.lvm.LvmException.Reason;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one place where lvm2's error messages (run with {@code LC_ALL=C}) become an
 * {@link LvmException}: a reason, and a message that says what the operator should do. The
 * patterns are lvm2 2.03's wording, as captured in the test fixtures; anything unrecognised is
 * {@link Reason#TOOL_FAILED} with lvm2's own words.
 */
final class Lvm2Errors {

    /** Noise lvm2 prints on every command when device-mapper is absent or activation is off. */
    private static final Pattern NOISE = Pattern.compile(
            "WARNING: Activation disabled.*|.*device-mapper.*|.*/dev/mapper/control.*|Incompatible libdevmapper.*"
                    + "|File descriptor \\d+ .* leaked on .*");

    private record Rule(Pattern pattern, Reason reason, BiFunction<Matcher, String, String> message) {
    }

    private static final List<Rule> RULES = List.of(
            rule("Volume group \"([^\"]+)\" not found", Reason.NOT_FOUND, (m, pool) -> "pool " + m.group(1)
                    + " does not exist: see `bin/appliance pool list` (or `vgs`), or create it with"
                    + " `bin/appliance pool create " + m.group(1) + " DEVICE...`"),
            rule("Failed to find logical volume \"([^\"/]+)/([^\"]+)\"", Reason.NOT_FOUND,
                    (m, pool) -> missingVolume(m.group(1), m.group(2))),
            rule("Existing logical volume \"([^\"]+)\" not found in volume group \"([^\"]+)\"", Reason.NOT_FOUND,
                    (m, pool) -> missingVolume(m.group(2), m.group(1))),
            rule("Logical volume (\\S+) not found in volume group (\\S+?)\\.?$", Reason.NOT_FOUND,
                    (m, pool) -> missingVolume(m.group(2), m.group(1))),
            rule("Logical Volume \"([^\"]+)\" already exists in volume group \"([^\"]+)\"", Reason.ALREADY_EXISTS,
                    (m, pool) -> "volume " + m.group(1) + " already exists in pool " + m.group(2)
                            + ": pick another name, or use the existing volume"),
            rule("A volume group called (\\S+) already exists", Reason.ALREADY_EXISTS,
                    (m, pool) -> "pool " + m.group(1) + " already exists: add devices to it with"
                            + " `bin/appliance pool extend " + m.group(1) + " DEVICE...`, or pick another name"),
            rule("Volume group \"([^\"]+)\" has insufficient free space \\((\\d+) extents\\): (\\d+) required",
                    Reason.INSUFFICIENT_SPACE, (m, pool) -> noSpace(m.group(1), m.group(2), m.group(3))),
            rule("Insufficient free space: (\\d+) extents needed, but only (\\d+) available", Reason.INSUFFICIENT_SPACE,
                    (m, pool) -> noSpace(pool, m.group(2), m.group(1))),
            rule("Insufficient suitable allocatable extents for logical volume (\\S+): (\\d+) more required",
                    Reason.INSUFFICIENT_SPACE, (m, pool) -> "pool " + pool + " lacks " + m.group(2)
                            + " suitable free extents for volume " + m.group(1) + ": add a device with"
                            + " `bin/appliance pool extend " + pool + " DEVICE`, or ask for less"),
            rule("No device found for (\\S+?)\\.?$", Reason.NOT_FOUND, (m, pool) -> missingDevice(m.group(1))),
            rule("Device (\\S+) not found\\.?", Reason.NOT_FOUND, (m, pool) -> missingDevice(m.group(1))),
            rule("Cannot use (\\S+): device not found", Reason.NOT_FOUND, (m, pool) -> missingDevice(m.group(1))),
            rule("Physical volume '([^']+)' is already in volume group '([^']+)'", Reason.DEVICE_IN_USE,
                    (m, pool) -> alreadyPhysicalVolume(m.group(1), m.group(2))),
            rule("Can't initialize physical volume \"([^\"]+)\" of volume group \"([^\"]+)\"", Reason.DEVICE_IN_USE,
                    (m, pool) -> alreadyPhysicalVolume(m.group(1), m.group(2))),
            rule("(\\S+) signature detected on (\\S+)", Reason.DEVICE_IN_USE, (m, pool) -> "device " + m.group(2)
                    + " holds a " + m.group(1) + " signature (it has data): if that data is not needed, wipe it with"
                    + " `wipefs -a " + m.group(2) + "` and retry"),
            rule("Cannot use (\\S+): device is partitioned", Reason.DEVICE_IN_USE, (m, pool) -> "device " + m.group(1)
                    + " has a partition table: give one of its partitions, or wipe the table with `wipefs -a "
                    + m.group(1) + "` if nothing on it is needed"),
            rule("Can't open (\\S+) exclusively", Reason.DEVICE_IN_USE, (m, pool) -> "device " + m.group(1)
                    + " is in use (mounted, swap, or held by another program): release it first"),
            rule("Can't remove open logical volume \"?([^\"]+?)\"?\\.?$", Reason.DEVICE_IN_USE, (m, pool) -> openVolume(m.group(1))),
            rule("Logical volume (\\S+) (?:contains a filesystem )?in use\\.?$", Reason.DEVICE_IN_USE,
                    (m, pool) -> openVolume(m.group(1))));

    private Lvm2Errors() {
    }

    /** @param pool the pool the command works on, for messages lvm2 words without it; may be null */
    static LvmException toException(List<String> argv, CommandResult result, String pool) {
        List<String> lines = meaningfulLines(result.stderr());
        for (Rule rule : RULES) {
            for (String line : lines) {
                Matcher matcher = rule.pattern().matcher(line);
                if (matcher.find()) {
                    return new LvmException(rule.reason(), rule.message().apply(matcher, pool == null ? "?" : pool));
                }
            }
        }
        String said = lines.isEmpty() ? "no message" : String.join("; ", lines);
        return new LvmException(Reason.TOOL_FAILED, "`" + String.join(" ", argv) + "` failed with exit status "
                + result.exitCode() + ": " + said + " (check `journalctl` and the devices; run it by hand to see more)");
    }

    /** stderr without lvm2's per-command noise, each line trimmed. */
    static List<String> meaningfulLines(String stderr) {
        return stderr.lines().map(String::strip).filter(line -> !line.isEmpty())
                .filter(line -> !NOISE.matcher(line).matches()).collect(Collectors.toList());
    }

    private static Rule rule(String regex, Reason reason, BiFunction<Matcher, String, String> message) {
        return new Rule(Pattern.compile(regex), reason, message);
    }

    private static String missingVolume(String pool, String volume) {
        return "volume " + volume + " does not exist in pool " + pool + ": see `bin/appliance volume list " + pool
                + "` (or `lvs " + pool + "`)";
    }

    private static String missingDevice(String device) {
        return "device " + device + " does not exist: check the path with `lsblk` or `ls -l " + device + "`";
    }

    static String alreadyPhysicalVolume(String device, String pool) {
        return "device " + device + " is already a physical volume of " + pool + ": give a free device, or remove it"
                + " from " + pool + " first (`vgreduce " + pool + " " + device + "`) if it holds no data";
    }

    private static String openVolume(String volume) {
        return "volume " + volume + " is open (a LUN, a mount or another program uses it): stop using it first";
    }

    static String noSpace(String pool, String freeExtents, String askedExtents) {
        return "pool " + pool + " has " + freeExtents + " free extents; " + askedExtents
                + " asked: add a device with `bin/appliance pool extend " + pool + " DEVICE`, or ask for less";
    }
}
