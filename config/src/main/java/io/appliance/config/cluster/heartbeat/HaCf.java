package io.appliance.config.cluster.heartbeat;

import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterDefinitionException;
import io.appliance.config.cluster.ClusterTransportKind;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What an {@code ha.cf} says, with the line of each value (for errors found when values meet). */
final class HaCf {

    /** Heartbeat's auto_failback. */
    enum AutoFailback { ON, OFF, LEGACY }

    /** A value and the line it was read from (0 = not in the file: a default). */
    record Located<T>(T value, int line) {
    }

    /** {@code ucast IFACE IP}. */
    record Ucast(String iface, String ip, int line) {
    }

    private static final Pattern TIME = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,3})?)\\s*(ms|s)?");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final String LOGGING = "ignored: the appliance writes its own log";

    final String sourceName;
    final Map<String, Located<Duration>> times = new LinkedHashMap<>();
    Located<Integer> port = new Located<>(ClusterDefinition.DEFAULT_PORT, 0);
    final List<Located<String>> nodes = new ArrayList<>();
    final List<Ucast> ucasts = new ArrayList<>();
    ClusterTransportKind transport = ClusterTransportKind.TCP;
    Located<AutoFailback> autoFailback = new Located<>(AutoFailback.LEGACY, 0);
    final List<String> warnings = new ArrayList<>();

    private HaCf(String sourceName) {
        this.sourceName = sourceName;
    }

    static HaCf parse(String sourceName, String text) {
        HaCf haCf = new HaCf(sourceName);
        for (LogicalLine line : LogicalLine.split(text)) {
            haCf.apply(line);
        }
        if (haCf.nodes.isEmpty()) {
            throw new HeartbeatConfigException(sourceName, 0,
                    "no 'node' line: name every cluster node, e.g. node node1 node2");
        }
        return haCf;
    }

    Optional<Located<Duration>> time(String key) {
        return Optional.ofNullable(times.get(key));
    }

    private void apply(LogicalLine line) {
        String key = line.keyword().toLowerCase(Locale.ROOT);
        List<String> args = line.arguments();
        switch (key) {
            case "keepalive", "warntime", "deadtime", "initdead" -> times.put(key,
                    new Located<>(parseTime(line, key, single(line)), line.number()));
            case "udpport" -> port = new Located<>(parsePort(line, single(line)), line.number());
            case "node" -> {
                requireArguments(line, "node NAME [NAME...]");
                for (String name : args) {
                    if (nodes.stream().anyMatch(node -> node.value().equals(name))) {
                        throw error(line, "node " + name + " is listed twice");
                    }
                    nodes.add(new Located<>(name, line.number()));
                }
            }
            case "ucast" -> {
                if (args.size() != 2) {
                    throw error(line, "ucast takes an interface and an IPv4 address: ucast eth1 10.0.0.2");
                }
                if (!IPV4.matcher(args.get(1)).matches()) {
                    throw error(line, "ucast: '" + args.get(1) + "' is not an IPv4 address");
                }
                ucasts.add(new Ucast(args.get(0), args.get(1), line.number()));
            }
            case "bcast" -> {
                transport = ClusterTransportKind.UDP;
                warn(line, "bcast: broadcast is not used; the cluster runs over UDP between the node addresses:"
                        + " give cluster.nodes[].addresses");
            }
            case "mcast" -> warn(line, "mcast: multicast is not used; give cluster.nodes[].addresses");
            case "auto_failback" -> autoFailback = new Located<>(parseAutoFailback(line, single(line)), line.number());
            case "crm", "pacemaker" -> {
                String value = single(line).toLowerCase(Locale.ROOT);
                if (List.of("yes", "on", "true", "1", "respawn").contains(value)) {
                    throw error(line, "this ha.cf uses the CRM; import the Pacemaker configuration instead");
                }
            }
            case "logfile", "debugfile", "logfacility", "use_logd", "debug" -> warn(line, key + ": " + LOGGING);
            case "ping", "ping_group", "respawn", "apiauth", "stonith", "stonith_host" -> warn(line, key
                    + ": not supported" + (key.startsWith("stonith") ? "; give fencing.devices" : ""));
            default -> warn(line, key + ": ignored");
        }
    }

    private Duration parseTime(LogicalLine line, String key, String text) {
        Matcher matcher = TIME.matcher(text.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw error(line, key + ": '" + text + "' is not a time: write seconds (30) or milliseconds (500ms)");
        }
        BigDecimal amount = new BigDecimal(matcher.group(1));
        BigDecimal millis = "ms".equals(matcher.group(2)) ? amount : amount.multiply(BigDecimal.valueOf(1000));
        try {
            return Duration.ofMillis(millis.longValueExact());
        } catch (ArithmeticException e) {
            throw error(line, key + ": '" + text + "' is not a whole number of milliseconds");
        }
    }

    private int parsePort(LogicalLine line, String text) {
        if (!text.matches("\\d{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw error(line, "udpport '" + text + "' must be a port 1..65535");
        }
        return Integer.parseInt(text);
    }

    private AutoFailback parseAutoFailback(LogicalLine line, String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "on", "yes", "true" -> AutoFailback.ON;
            case "off", "no", "false" -> AutoFailback.OFF;
            case "legacy" -> AutoFailback.LEGACY;
            default -> throw error(line, "auto_failback '" + text + "' must be on, off or legacy");
        };
    }

    private String single(LogicalLine line) {
        if (line.arguments().size() != 1) {
            throw error(line, line.keyword() + " takes one value, found " + line.arguments().size());
        }
        return line.arguments().get(0);
    }

    private void requireArguments(LogicalLine line, String usage) {
        if (line.arguments().isEmpty()) {
            throw error(line, "usage: " + usage);
        }
    }

    void warn(LogicalLine line, String message) {
        warnings.add(sourceName + ":" + line.number() + ": " + message);
    }

    HeartbeatConfigException error(LogicalLine line, String message) {
        return new HeartbeatConfigException(sourceName, line.number(), message);
    }

    HeartbeatConfigException error(int line, ClusterDefinitionException cause) {
        return new HeartbeatConfigException(sourceName, line, cause.problem(), cause);
    }
}
