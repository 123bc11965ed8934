package io.appliance.config.cluster.heartbeat;

import io.appliance.config.cluster.AuthKey;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterDefinitionException;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterProperties;
import io.appliance.config.cluster.DurationText;
import io.appliance.config.cluster.FenceAction;
import io.appliance.config.cluster.FencingOptions;
import io.appliance.config.cluster.GroupDefinition;
import io.appliance.config.cluster.HeartbeatTiming;
import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.OperationDefinition;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.QuorumOptions;
import io.appliance.config.cluster.ResourceConfiguration;
import io.appliance.config.cluster.ResourceMeta;
import io.appliance.config.cluster.Score;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Imports a Heartbeat v1 configuration ({@code ha.cf}, {@code haresources}, {@code authkeys}) as a
 * {@link ClusterDefinition} named {@value #CLUSTER_NAME}.
 *
 * <h2>ha.cf</h2>
 * <ul>
 *   <li>{@code keepalive}, {@code warntime}, {@code deadtime}, {@code initdead}: seconds ({@code 30}, {@code 1.5})
 *       or milliseconds ({@code 500ms}). Absent: keepalive 2 s, deadtime 30 s (Heartbeat's defaults), warntime
 *       half-way between them, initdead twice deadtime.
 *   <li>{@code udpport} is the cluster port (absent: {@value ClusterDefinition#DEFAULT_PORT}); {@code bcast} makes
 *       the transport UDP (warned: node addresses are needed); {@code mcast} is warned.
 *   <li>{@code node NAME...}: the nodes, all storage nodes with one vote, in file order.
 *   <li><b>Addresses from {@code ucast IFACE IP}</b>: the ucast lines are grouped by interface in order of
 *       appearance. When an interface has exactly one ucast line per node, its i-th IP is the address of the
 *       i-th node of the {@code node} lines (the usual shared ha.cf listing every node's address); the first
 *       such interface gives ring0, the second ring1. Otherwise (e.g. a node's own ha.cf naming only its peer)
 *       the owner of an IP cannot be told: the nodes get no address from it and a warning asks to give
 *       {@code cluster.nodes[].addresses}. A node without an address is valid here but refused by the transport
 *       at start.
 *   <li>{@code auto_failback on}: resource-stickiness 0, so groups move back to their haresources node;
 *       {@code off} and {@code legacy} (Heartbeat's default): resource-stickiness 1000, so they stay where they
 *       run. Either way each group gets a location score 100 for its haresources node.
 *   <li>{@code crm}/{@code pacemaker} enabled is an error (import the Pacemaker configuration instead); logging
 *       keys, {@code ping}, {@code respawn}, {@code stonith} and unknown keys are warned and ignored.
 * </ul>
 *
 * <h2>haresources</h2>
 * Line {@code NODE RES...} (the k-th line, {@code \} continues a line, {@code #} starts a comment) becomes group
 * {@code group_k} with members {@code <type>_<k>_<i>} (Heartbeat type lower case, i from 1), started in line order,
 * each monitored every 10 s, and location {@code loc-group_k}: NODE 100. Resources:
 * {@code IPaddr::IP[/BITS[/IFACE[/BROADCAST]]]} and {@code IPaddr2::...} (also a bare IP) → IPaddr2;
 * {@code drbddisk::r0} → replicated-disk; {@code Filesystem::DEV::DIR::FSTYPE[::OPTIONS]}; a bare name →
 * {@code lsb:NAME}. Other Heartbeat scripts ({@code MailTo}, {@code Delay}, ...) and unknown {@code Type::...} are
 * errors.
 *
 * <h2>authkeys</h2>
 * {@code auth N} selects {@code N sha1|md5 SECRET}; {@code crc} is refused (it authenticates nothing); a file
 * readable by others is warned. The authkeys file is required: the cluster's messages are encrypted and
 * authenticated with a key derived from its secret.
 *
 * <h2>What the operator still decides</h2>
 * Fencing is enabled with no device and a watchdog timeout of {@code deadtime + 2 s + keepalive} (a lost node has
 * stopped its resources by then); quorum is majority, so a two-node import is warned: it keeps quorum only while
 * both nodes are up (add a witness node, or use two_node with fence devices).
 */
public final class HeartbeatImporter {

    /** The name of an imported cluster (Heartbeat has none). */
    public static final String CLUSTER_NAME = "heartbeat";
    /** Largest file read. */
    public static final long MAX_FILE_BYTES = 1024 * 1024;

    static final Duration MONITOR_INTERVAL = Duration.ofSeconds(10);
    private static final Duration SELF_FENCE_TIMEOUT = Duration.ofSeconds(2);
    private static final Score PREFERRED_NODE = Score.of(100);
    private static final Score STAY = Score.of(1000);

    private HeartbeatImporter() {
    }

    /**
     * Imports the files.
     *
     * @param haCf {@code /etc/ha.d/ha.cf}
     * @param haresources {@code /etc/ha.d/haresources}; absent: no resources
     * @param authkeys {@code /etc/ha.d/authkeys}; required (absent is an error naming it)
     * @throws HeartbeatConfigException on any error, including an unreadable file (line 0)
     */
    public static HeartbeatImport importFiles(Path haCf, Optional<Path> haresources, Optional<Path> authkeys) {
        List<String> fileWarnings = new ArrayList<>();
        authkeys.ifPresent(path -> checkMode(path, fileWarnings));
        HeartbeatImport imported = importText(haCf.toString(), read(haCf),
                haresources.map(Path::toString).orElse("haresources"), haresources.map(HeartbeatImporter::read).orElse(null),
                authkeys.map(Path::toString).orElse("authkeys"), authkeys.map(HeartbeatImporter::read).orElse(null));
        fileWarnings.addAll(imported.warnings());
        return new HeartbeatImport(imported.definition(), fileWarnings);
    }

    /**
     * Imports file contents named {@code ha.cf}, {@code haresources} and {@code authkeys} in messages.
     *
     * @param haresources null: no resources
     * @param authkeys null: an error (the secret is required)
     * @throws HeartbeatConfigException on any error
     */
    public static HeartbeatImport importText(String haCf, String haresources, String authkeys) {
        return importText("ha.cf", haCf, "haresources", haresources, "authkeys", authkeys);
    }

    private static HeartbeatImport importText(String haCfName, String haCfText, String haresourcesName,
            String haresourcesText, String authkeysName, String authkeysText) {
        HaCf haCf = HaCf.parse(haCfName, haCfText);
        List<String> warnings = new ArrayList<>(haCf.warnings);
        if (authkeysText == null) {
            throw new HeartbeatConfigException(authkeysName, 0,
                    "authkeys is required: the cluster authenticates and encrypts its messages with its secret");
        }
        AuthKey authKey = Authkeys.parse(authkeysName, authkeysText);
        List<String> nodeNames = haCf.nodes.stream().map(HaCf.Located::value).toList();
        List<Haresources.Line> groups = List.of();
        if (haresourcesText != null) {
            Haresources reader = Haresources.reader(haresourcesName);
            groups = reader.parse(haresourcesText, nodeNames);
            warnings.addAll(reader.warnings);
        }
        HeartbeatTiming timing = timing(haCf);
        List<ClusterNodeDefinition> nodes = nodes(haCf, warnings);
        ResourceConfiguration resources = resources(haCf, haresourcesName, groups, warnings);
        FencingOptions fencing = fencing(haCf, timing);
        warnings.add(haCfName + ":0: fencing: no fence device imported; a lost node counts as stopped "
                + DurationText.format(fencing.watchdogTimeout()) + " after it left; give fencing.devices for a faster,"
                + " surer failover");
        if (nodes.size() == 2) {
            warnings.add(haCfName + ":" + haCf.nodes.get(0).line() + ": two nodes: quorum needs both votes, so a lost"
                    + " node stops the other's resources too; add a witness node (role witness), or use quorum"
                    + " two_node with a fence device for each node");
        }
        ClusterDefinition definition;
        try {
            definition = new ClusterDefinition(CLUSTER_NAME, haCf.transport, haCf.port.value(), timing, authKey,
                    QuorumOptions.defaults(), fencing, nodes, resources);
        } catch (ClusterDefinitionException e) {
            throw new HeartbeatConfigException(haCfName, 0, e.field() + ": " + e.problem(), e);
        }
        return new HeartbeatImport(definition, warnings);
    }

    private static HeartbeatTiming timing(HaCf haCf) {
        Duration keepalive = haCf.time("keepalive").map(HaCf.Located::value).orElse(Duration.ofSeconds(2));
        Duration deadtime = haCf.time("deadtime").map(HaCf.Located::value).orElse(Duration.ofSeconds(30));
        Duration warntime = haCf.time("warntime").map(HaCf.Located::value)
                .orElse(keepalive.plus(deadtime.minus(keepalive).dividedBy(2)));
        Duration initdead = haCf.time("initdead").map(HaCf.Located::value).orElse(deadtime.multipliedBy(2));
        try {
            return new HeartbeatTiming(keepalive, warntime, deadtime, initdead);
        } catch (ClusterDefinitionException e) {
            throw haCf.error(timingLine(haCf, e.field()), e);
        }
    }

    /** The line to blame for a timing rule: the later of the two keys the rule compares (written last). */
    private static int timingLine(HaCf haCf, String field) {
        String other = switch (field) {
            case "warntime" -> "keepalive";
            case "deadtime" -> "warntime";
            case "initdead" -> "deadtime";
            default -> field;
        };
        return Math.max(haCf.time(field).map(HaCf.Located::line).orElse(0),
                haCf.time(other).map(HaCf.Located::line).orElse(0));
    }

    private static FencingOptions fencing(HaCf haCf, HeartbeatTiming timing) {
        Duration watchdog = timing.deadtime().plus(SELF_FENCE_TIMEOUT).plus(timing.keepalive());
        try {
            return new FencingOptions(true, FenceAction.REBOOT, watchdog, SELF_FENCE_TIMEOUT, List.of());
        } catch (ClusterDefinitionException e) {
            throw new HeartbeatConfigException(haCf.sourceName, haCf.time("deadtime").map(HaCf.Located::line).orElse(0),
                    "deadtime " + DurationText.format(timing.deadtime()) + " is too long: the watchdog timeout derived"
                            + " from it (" + DurationText.format(watchdog) + ") exceeds 10m", e);
        }
    }

    private static List<ClusterNodeDefinition> nodes(HaCf haCf, List<String> warnings) {
        Map<String, List<HaCf.Ucast>> byInterface = new LinkedHashMap<>();
        haCf.ucasts.forEach(ucast -> byInterface.computeIfAbsent(ucast.iface(), key -> new ArrayList<>()).add(ucast));
        List<List<HaCf.Ucast>> rings = new ArrayList<>();
        for (List<HaCf.Ucast> ucasts : byInterface.values()) {
            HaCf.Ucast first = ucasts.get(0);
            if (ucasts.size() != haCf.nodes.size()) {
                warnings.add(haCf.sourceName + ":" + first.line() + ": ucast " + first.iface() + ": " + ucasts.size()
                        + " address(es) for " + haCf.nodes.size() + " nodes, so which node has which cannot be told;"
                        + " give cluster.nodes[].addresses");
            } else if (rings.size() == ClusterNodeDefinition.MAX_ADDRESSES) {
                warnings.add(haCf.sourceName + ":" + first.line() + ": ucast " + first.iface()
                        + ": ignored: at most two heartbeat rings");
            } else {
                rings.add(ucasts);
            }
        }
        List<ClusterNodeDefinition> nodes = new ArrayList<>();
        for (int i = 0; i < haCf.nodes.size(); i++) {
            HaCf.Located<String> name = haCf.nodes.get(i);
            List<String> addresses = new ArrayList<>();
            for (List<HaCf.Ucast> ring : rings) {
                addresses.add(ring.get(i).ip());
            }
            try {
                nodes.add(new ClusterNodeDefinition(name.value(), NodeRole.STORAGE, 1, addresses));
            } catch (ClusterDefinitionException e) {
                throw haCf.error(name.line(), e);
            }
        }
        return nodes;
    }

    private static ResourceConfiguration resources(HaCf haCf, String haresourcesName, List<Haresources.Line> lines,
            List<String> warnings) {
        HaCf.AutoFailback autoFailback = haCf.autoFailback.value();
        if (autoFailback == HaCf.AutoFailback.LEGACY) {
            warnings.add(haCf.sourceName + ":" + haCf.autoFailback.line() + ": auto_failback "
                    + (haCf.autoFailback.line() == 0 ? "not set: Heartbeat's default legacy" : "legacy")
                    + " is taken as off (resources stay where they run)");
        }
        Score stickiness = autoFailback == HaCf.AutoFailback.ON ? Score.ZERO : STAY;
        ClusterProperties defaults = ClusterProperties.defaults();
        ClusterProperties properties = new ClusterProperties(stickiness, defaults.migrationThreshold(),
                defaults.failureTimeout(), false, defaults.startFailureIsFatal(), defaults.symmetricCluster());
        List<PrimitiveDefinition> primitives = new ArrayList<>();
        List<GroupDefinition> groups = new ArrayList<>();
        List<LocationConstraint> locations = new ArrayList<>();
        for (int g = 0; g < lines.size(); g++) {
            Haresources.Line line = lines.get(g);
            String groupId = "group_" + (g + 1);
            List<String> members = new ArrayList<>();
            for (int i = 0; i < line.resources().size(); i++) {
                Haresources.Resource resource = line.resources().get(i);
                String id = memberId(resource.heartbeatType(), g + 1, i + 1);
                try {
                    primitives.add(new PrimitiveDefinition(id, resource.canonicalType(), resource.params(),
                            List.of(OperationDefinition.monitor(MONITOR_INTERVAL)), ResourceMeta.empty()));
                } catch (ClusterDefinitionException e) {
                    throw new HeartbeatConfigException(haresourcesName, line.number(), "resource " + (i + 1) + " ("
                            + resource.heartbeatType() + "): " + e.field() + ": " + e.problem(), e);
                }
                members.add(id);
            }
            groups.add(new GroupDefinition(groupId, members, ResourceMeta.empty()));
            locations.add(new LocationConstraint("loc-" + groupId, groupId, line.node(), PREFERRED_NODE));
        }
        return new ResourceConfiguration(primitives, groups, locations, List.of(), List.of(), properties);
    }

    private static String memberId(String heartbeatType, int group, int index) {
        String type = heartbeatType.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "_");
        if (type.length() > 48) {
            type = type.substring(0, 48);
        }
        return type + "_" + group + "_" + index;
    }

    /**
     * Reads only a Heartbeat {@code authkeys} file: the key of its {@code auth N} line, for a configuration that
     * keeps the cluster key in the file admins already have.
     *
     * @param warnings receives a warning when the file is readable by others than its owner
     * @throws HeartbeatConfigException with {@code file:line: message} (crc, a short secret, no auth line ...)
     */
    public static AuthKey importAuthkeys(Path authkeys, List<String> warnings) {
        checkMode(authkeys, warnings);
        return Authkeys.parse(authkeys.toString(), read(authkeys));
    }

    private static String read(Path path) {
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new HeartbeatConfigException(path.toString(), 0,
                        "file has " + size + " bytes; at most " + MAX_FILE_BYTES + " are read");
            }
            byte[] bytes = Files.readAllBytes(path);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new HeartbeatConfigException(path.toString(), 0, "not UTF-8 text", e);
        } catch (IOException e) {
            throw new HeartbeatConfigException(path.toString(), 0, "cannot read: " + e, e);
        }
    }

    private static void checkMode(Path path, List<String> warnings) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            int mode = 0;
            for (PosixFilePermission permission : permissions) {
                mode |= 1 << (8 - permission.ordinal());
            }
            if ((mode & 0077) != 0) {
                warnings.add(path + ":0: mode " + String.format("%04o", mode)
                        + " lets other users read the secret; Heartbeat wants 0600 (chmod 600 " + path + ")");
            }
        } catch (UnsupportedOperationException | IOException e) {
            warnings.add(path + ":0: the file mode could not be checked (" + e.getMessage() + ")");
        }
    }
}
