package io.appliance.config.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The resource types the cluster can run, their aliases (Heartbeat and Pacemaker names) and the rules of
 * their parameters.
 *
 * <table>
 *   <caption>types</caption>
 *   <tr><th>canonical</th><th>aliases (any case)</th><th>parameters (* required)</th></tr>
 *   <tr><td>{@code replicated-disk}</td><td>drbd, drbddisk, ocf:linbit:drbd</td><td>resource*</td></tr>
 *   <tr><td>{@code IPaddr2}</td><td>IPaddr, ocf:heartbeat:IPaddr2, ocf:heartbeat:IPaddr</td>
 *       <td>ip* (IPv4), cidr_netmask (0..32, default 32), nic, arp_count (0..100, default 3)</td></tr>
 *   <tr><td>{@code portblock}</td><td>ocf:heartbeat:portblock</td>
 *       <td>ip*, portno* (3260, 3260,2049, 2049-2050), protocol (tcp, udp), action* (block, unblock)</td></tr>
 *   <tr><td>{@code iscsi-target}</td><td>iSCSITarget, ocf:heartbeat:iSCSITarget</td><td>ip*, port (default 3260)</td></tr>
 *   <tr><td>{@code Filesystem}</td><td>ocf:heartbeat:Filesystem</td><td>device*, directory*, fstype*, options</td></tr>
 *   <tr><td>{@code Dummy}</td><td>ocf:pacemaker:Dummy, ocf:heartbeat:Dummy</td><td>state (absolute path), op_sleep (duration)</td></tr>
 *   <tr><td>{@code lsb:NAME}</td><td>lsb:NAME</td><td>none: {@code /etc/init.d/NAME start|stop|status}</td></tr>
 * </table>
 */
public final class ResourceTypes {

    public static final String REPLICATED_DISK = "replicated-disk";
    public static final String IPADDR2 = "IPaddr2";
    public static final String PORTBLOCK = "portblock";
    public static final String ISCSI_TARGET = "iscsi-target";
    public static final String FILESYSTEM = "Filesystem";
    public static final String DUMMY = "Dummy";
    /** Prefix of the LSB init script types, {@code lsb:httpd}. */
    public static final String LSB_PREFIX = "lsb:";

    private static final Map<String, String> ALIASES = aliases();
    private static final Map<String, Set<String>> REQUIRED = Map.of(
            REPLICATED_DISK, Set.of("resource"),
            IPADDR2, Set.of("ip"),
            PORTBLOCK, Set.of("ip", "portno", "action"),
            ISCSI_TARGET, Set.of("ip"),
            FILESYSTEM, Set.of("device", "directory", "fstype"),
            DUMMY, Set.of());
    private static final Map<String, Set<String>> KNOWN = Map.of(
            REPLICATED_DISK, Set.of("resource"),
            IPADDR2, Set.of("ip", "cidr_netmask", "nic", "arp_count"),
            PORTBLOCK, Set.of("ip", "portno", "protocol", "action"),
            ISCSI_TARGET, Set.of("ip", "port"),
            FILESYSTEM, Set.of("device", "directory", "fstype", "options"),
            DUMMY, Set.of("state", "op_sleep"));

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern LSB_NAME = Pattern.compile("[A-Za-z0-9_@+][A-Za-z0-9_.@+-]{0,63}");
    private static final Pattern DRBD_RESOURCE = Pattern.compile("[A-Za-z0-9_.+-]{1,63}");
    private static final Pattern NIC = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");
    private static final Pattern PORT_LIST = Pattern.compile("\\d{1,5}(-\\d{1,5})?(,\\d{1,5}(-\\d{1,5})?)*");
    private static final Pattern FSTYPE = Pattern.compile("[a-z0-9_.]{1,32}");

    private ResourceTypes() {
    }

    /**
     * The canonical name of a type or alias ({@code drbd} → {@code replicated-disk}, {@code LSB:httpd} →
     * {@code lsb:httpd}).
     *
     * @throws ClusterDefinitionException (field {@code type}) for an unknown type, listing the known ones
     */
    public static String canonical(String type) {
        Checks.notNull(type, "type");
        String lower = type.trim().toLowerCase(Locale.ROOT);
        String canonical = ALIASES.get(lower);
        if (canonical != null) {
            return canonical;
        }
        if (lower.startsWith(LSB_PREFIX)) {
            String script = type.trim().substring(LSB_PREFIX.length());
            Checks.require(LSB_NAME.matcher(script).matches(), "type",
                    "'" + type + "': the init script name must be 1 to 64 of A-Z a-z 0-9 _ . @ + -");
            return LSB_PREFIX + script;
        }
        throw new ClusterDefinitionException("type", "unknown resource type '" + type + "' (known: "
                + String.join(", ", canonicalTypes()) + " and their aliases "
                + String.join(", ", new TreeSet<>(ALIASES.keySet())) + ")");
    }

    /** The canonical types; {@code lsb:<name>} stands for every init script. */
    public static List<String> canonicalTypes() {
        return List.of(REPLICATED_DISK, IPADDR2, PORTBLOCK, ISCSI_TARGET, FILESYSTEM, DUMMY, LSB_PREFIX + "<name>");
    }

    /** Whether {@code canonicalType} is an LSB init script type. */
    public static boolean isLsb(String canonicalType) {
        return canonicalType.startsWith(LSB_PREFIX);
    }

    /**
     * Checks the parameters of a resource of {@code canonicalType}: required ones present, no unknown ones,
     * values well-formed.
     *
     * @param field the path of the parameter map, e.g. {@code params}; an error names {@code field.key}
     * @throws ClusterDefinitionException naming the parameter
     */
    public static void checkParams(String field, String canonicalType, Map<String, String> params) {
        if (isLsb(canonicalType)) {
            Checks.require(params.isEmpty(), field, canonicalType + " takes no parameters (found "
                    + String.join(", ", new TreeSet<>(params.keySet())) + ")");
            return;
        }
        Set<String> known = KNOWN.get(canonicalType);
        Checks.require(known != null, "type", "unknown resource type '" + canonicalType + "'");
        for (String key : new TreeSet<>(params.keySet())) {
            Checks.require(known.contains(key), field + "." + key, "unknown parameter '" + key + "' for "
                    + canonicalType + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
        for (String key : new TreeSet<>(REQUIRED.get(canonicalType))) {
            String value = params.get(key);
            Checks.require(value != null && !value.isBlank(), field + "." + key,
                    canonicalType + " needs parameter '" + key + "'");
        }
        params.forEach((key, value) -> checkValue(field + "." + key, canonicalType, key, value));
    }

    private static void checkValue(String field, String type, String key, String value) {
        switch (type + "/" + key) {
            case REPLICATED_DISK + "/resource" -> Checks.require(DRBD_RESOURCE.matcher(value).matches(), field,
                    "'" + value + "' is not a replicated disk name (1 to 63 of A-Z a-z 0-9 _ . + -)");
            case IPADDR2 + "/ip", PORTBLOCK + "/ip", ISCSI_TARGET + "/ip" -> Checks.require(
                    IPV4.matcher(value).matches(), field, "'" + value + "' is not an IPv4 address");
            case IPADDR2 + "/cidr_netmask" -> range(field, value, 0, 32, "prefix length");
            case IPADDR2 + "/arp_count" -> range(field, value, 0, 100, "arp_count");
            case IPADDR2 + "/nic" -> Checks.require(NIC.matcher(value).matches(), field,
                    "'" + value + "' is not an interface name");
            case PORTBLOCK + "/portno" -> checkPorts(field, value);
            case PORTBLOCK + "/protocol" -> Checks.require(value.equals("tcp") || value.equals("udp"), field,
                    "protocol '" + value + "' must be tcp or udp");
            case PORTBLOCK + "/action" -> Checks.require(value.equals("block") || value.equals("unblock"), field,
                    "action '" + value + "' must be block or unblock");
            case ISCSI_TARGET + "/port" -> range(field, value, 1, 65535, "port");
            case FILESYSTEM + "/device" -> Checks.require(!value.isBlank() && value.chars().noneMatch(Character::isWhitespace),
                    field, "device '" + value + "' must be a path, LABEL=... or UUID=... without spaces");
            case FILESYSTEM + "/directory" -> absolutePath(field, value);
            case FILESYSTEM + "/fstype" -> Checks.require(FSTYPE.matcher(value).matches(), field,
                    "'" + value + "' is not a file system type (e.g. ext4, xfs)");
            case FILESYSTEM + "/options" -> Checks.require(!value.isBlank() && value.chars().noneMatch(Character::isWhitespace),
                    field, "mount options must be one comma-separated word, e.g. noatime,nodiratime");
            case DUMMY + "/state" -> absolutePath(field, value);
            case DUMMY + "/op_sleep" -> DurationText.parse(field, value);
            default -> throw new IllegalStateException("no rule for " + type + " parameter " + key);
        }
    }

    private static void absolutePath(String field, String value) {
        Checks.require(value.startsWith("/") && value.chars().noneMatch(c -> c < 0x20), field,
                "'" + value + "' is not an absolute path");
    }

    private static void range(String field, String value, int min, int max, String what) {
        boolean ok = value.matches("\\d{1,6}") && Integer.parseInt(value) >= min && Integer.parseInt(value) <= max;
        Checks.require(ok, field, what + " '" + value + "' must be a number " + min + ".." + max);
    }

    private static void checkPorts(String field, String value) {
        Checks.require(PORT_LIST.matcher(value).matches(), field,
                "portno '" + value + "' must be ports or ranges separated by commas, e.g. 3260 or 3260,2049-2050");
        for (String part : value.split(",")) {
            String[] bounds = part.split("-");
            int low = Integer.parseInt(bounds[0]);
            int high = Integer.parseInt(bounds[bounds.length - 1]);
            Checks.require(low >= 1 && high <= 65535 && low <= high, field,
                    "portno '" + value + "': " + part + " is not a port or range within 1..65535");
        }
    }

    private static Map<String, String> aliases() {
        Map<String, String> aliases = new LinkedHashMap<>();
        for (String alias : List.of(REPLICATED_DISK, "drbd", "drbddisk", "ocf:linbit:drbd")) {
            aliases.put(alias.toLowerCase(Locale.ROOT), REPLICATED_DISK);
        }
        for (String alias : List.of(IPADDR2, "IPaddr", "ocf:heartbeat:IPaddr2", "ocf:heartbeat:IPaddr")) {
            aliases.put(alias.toLowerCase(Locale.ROOT), IPADDR2);
        }
        for (String alias : List.of(PORTBLOCK, "ocf:heartbeat:portblock")) {
            aliases.put(alias.toLowerCase(Locale.ROOT), PORTBLOCK);
        }
        for (String alias : List.of(ISCSI_TARGET, "iSCSITarget", "ocf:heartbeat:iSCSITarget")) {
            aliases.put(alias.toLowerCase(Locale.ROOT), ISCSI_TARGET);
        }
        for (String alias : List.of(FILESYSTEM, "ocf:heartbeat:Filesystem")) {
            aliases.put(alias.toLowerCase(Locale.ROOT), FILESYSTEM);
        }
        for (String alias : List.of(DUMMY, "ocf:pacemaker:Dummy", "ocf:heartbeat:Dummy")) {
            aliases.put(alias.toLowerCase(Locale.ROOT), DUMMY);
        }
        return Map.copyOf(aliases);
    }
}
