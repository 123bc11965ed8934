package io.appliance.config.cluster.heartbeat;

import io.appliance.config.cluster.ResourceTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code haresources}: each line {@code NODE RESOURCE...} is a resource group preferring NODE. A resource is
 * {@code Type::arg1::arg2...}, a bare IPv4 address (Heartbeat's short form of {@code IPaddr::IP}) or a bare
 * init script name.
 */
final class Haresources {

    /** One resource as Heartbeat wrote it, translated. */
    record Resource(String heartbeatType, String canonicalType, Map<String, String> params) {
    }

    /** One line: a group. */
    record Line(int number, String node, List<Resource> resources) {
    }

    /** Heartbeat resource scripts that have no equivalent here. */
    private static final Set<String> NOT_SUPPORTED = Set.of("mailto", "delay", "audiblealarm", "sendarp", "ipsrcaddr",
            "lvm", "linuxscsi", "raid1", "serveraid", "was", "winpopup", "xinetd", "db2", "ocf", "portblock", "ids",
            "apache", "iscsitarget", "iscsilogicalunit", "ipv6addr", "icp");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(/.*)?");
    private static final Pattern SCRIPT = Pattern.compile("[A-Za-z0-9_@+][A-Za-z0-9_.@+-]{0,63}");
    private static final String KNOWN = "IPaddr, IPaddr2, drbddisk, Filesystem; a bare name is an init script";

    private final String sourceName;
    final List<String> warnings = new ArrayList<>();

    private Haresources(String sourceName) {
        this.sourceName = sourceName;
    }

    static Haresources reader(String sourceName) {
        return new Haresources(sourceName);
    }

    List<Line> parse(String text, List<String> nodes) {
        List<Line> lines = new ArrayList<>();
        for (LogicalLine line : LogicalLine.split(text)) {
            String node = line.keyword();
            if (!nodes.contains(node)) {
                throw error(line.number(), "'" + node + "' is not a node of ha.cf (nodes: " + String.join(", ", nodes)
                        + "); each line is NODE RESOURCE...");
            }
            if (line.arguments().isEmpty()) {
                throw error(line.number(), "node " + node + " has no resources on this line");
            }
            List<Resource> resources = new ArrayList<>();
            for (String word : line.arguments()) {
                resources.add(resource(line.number(), word));
            }
            lines.add(new Line(line.number(), node, resources));
        }
        return lines;
    }

    private Resource resource(int line, String word) {
        if (IPV4.matcher(word).matches()) {
            return ipAddress(line, "IPaddr", List.of(word));
        }
        List<String> parts = List.of(word.split("::", -1));
        String type = parts.get(0);
        List<String> args = parts.subList(1, parts.size());
        String lower = type.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "ipaddr", "ipaddr2":
                return ipAddress(line, type, args);
            case "drbddisk":
                if (args.size() != 1 || args.get(0).isEmpty()) {
                    throw error(line, "drbddisk takes the replicated disk's name: drbddisk::r0");
                }
                return new Resource(type, ResourceTypes.REPLICATED_DISK, Map.of("resource", args.get(0)));
            case "filesystem":
                if (args.size() < 3 || args.size() > 4) {
                    throw error(line, "Filesystem takes device, directory, type and optional options:"
                            + " Filesystem::/dev/drbd1::/data::ext4[::noatime]");
                }
                Map<String, String> params = new LinkedHashMap<>();
                params.put("device", args.get(0));
                params.put("directory", args.get(1));
                params.put("fstype", args.get(2));
                if (args.size() == 4) {
                    params.put("options", args.get(3));
                }
                return new Resource(type, ResourceTypes.FILESYSTEM, params);
            default:
                break;
        }
        if (NOT_SUPPORTED.contains(lower)) {
            throw error(line, "resource type '" + type + "' is not supported (supported: " + KNOWN + ")");
        }
        if (!args.isEmpty()) {
            throw error(line, "unknown resource type '" + type + "' (line " + line + "; known: " + KNOWN + ")");
        }
        if (!SCRIPT.matcher(type).matches()) {
            throw error(line, "'" + type + "' is not an init script name (1 to 64 of A-Z a-z 0-9 _ . @ + -)");
        }
        return new Resource(type, ResourceTypes.LSB_PREFIX + type, Map.of());
    }

    /** {@code IPaddr::IP[/BITS[/IFACE[/BROADCAST]]]}. */
    private Resource ipAddress(int line, String type, List<String> args) {
        if (args.size() != 1 || args.get(0).isEmpty()) {
            throw error(line, type + " takes one argument: " + type + "::10.0.0.100/24/eth0");
        }
        String[] fields = args.get(0).split("/", -1);
        if (fields.length > 4) {
            throw error(line, type + ": '" + args.get(0) + "' has too many fields (IP/BITS/IFACE/BROADCAST)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("ip", fields[0]);
        if (fields.length > 1 && !fields[1].isEmpty()) {
            params.put("cidr_netmask", prefixLength(line, fields[1]));
        }
        if (fields.length > 2 && !fields[2].isEmpty()) {
            params.put("nic", fields[2]);
        }
        if (fields.length > 3 && !fields[3].isEmpty()) {
            warnings.add(sourceName + ":" + line + ": " + type + " broadcast address " + fields[3]
                    + " ignored: the broadcast address follows from the prefix length");
        }
        return new Resource(type, ResourceTypes.IPADDR2, params);
    }

    /** A prefix length, or a dotted netmask turned into one. */
    private String prefixLength(int line, String text) {
        if (!text.contains(".")) {
            return text;
        }
        String[] octets = text.split("\\.");
        long mask = 0;
        for (String octet : octets) {
            if (octets.length != 4 || !octet.matches("\\d{1,3}") || Integer.parseInt(octet) > 255) {
                throw error(line, "'" + text + "' is neither a prefix length nor a netmask");
            }
            mask = (mask << 8) | Integer.parseInt(octet);
        }
        int bits = Long.bitCount(mask);
        if (mask != (0xFFFFFFFFL << (32 - bits) & 0xFFFFFFFFL)) {
            throw error(line, "netmask " + text + " is not contiguous");
        }
        return Integer.toString(bits);
    }

    HeartbeatConfigException error(int line, String message) {
        return new HeartbeatConfigException(sourceName, line, message);
    }
}
