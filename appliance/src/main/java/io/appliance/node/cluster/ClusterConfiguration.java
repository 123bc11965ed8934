package io.appliance.node.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.appliance.config.cluster.AuthKey;
import io.appliance.config.cluster.AuthMethod;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterDefinitionException;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterProperties;
import io.appliance.config.cluster.ClusterTransportKind;
import io.appliance.config.cluster.ColocationConstraint;
import io.appliance.config.cluster.FenceAction;
import io.appliance.config.cluster.FenceDeviceDefinition;
import io.appliance.config.cluster.FencingOptions;
import io.appliance.config.cluster.GroupDefinition;
import io.appliance.config.cluster.HeartbeatTiming;
import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.NoQuorumPolicy;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.OnFail;
import io.appliance.config.cluster.OperationDefinition;
import io.appliance.config.cluster.OrderConstraint;
import io.appliance.config.cluster.OrderKind;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.QuorumMode;
import io.appliance.config.cluster.QuorumOptions;
import io.appliance.config.cluster.ResourceConfiguration;
import io.appliance.config.cluster.ResourceMeta;
import io.appliance.config.cluster.ResourceTypes;
import io.appliance.config.cluster.Score;
import io.appliance.config.cluster.TargetRole;
import io.appliance.config.cluster.heartbeat.HeartbeatConfigException;
import io.appliance.config.cluster.heartbeat.HeartbeatImport;
import io.appliance.config.cluster.heartbeat.HeartbeatImporter;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The node configuration's optional {@code cluster} section, with Pacemaker's and Heartbeat's
 * spellings (every key is described in docs/operations.md and /work/prompts/c-appliance-api.md).
 * Absent: the node runs alone, as before clustering existed.
 *
 * <p>{@link #toDefinition} maps it to the cluster module's {@link ClusterDefinition}; every problem
 * stops the start with the YAML path of the value to fix, e.g. {@code cluster.nodes[1].votes: ...}.
 * With {@code heartbeat:} the Heartbeat files are imported instead of the fields above, except
 * {@code name} and {@code nodes}, which replace the imported ones when given (ha.cf has no cluster
 * name and only lists node names, not their heartbeat addresses).
 */
@SelfValidating
public class ClusterConfiguration {

    /** The cluster name when none is given with the Heartbeat import. */
    public static final String DEFAULT_NAME = "appliance";

    @JsonProperty
    private String name;
    @JsonProperty
    private String transport = "tcp";
    @JsonProperty
    private int port = 7800;
    @JsonProperty
    private String keepalive;
    @JsonProperty
    private String warntime;
    @JsonProperty
    private String deadtime;
    @JsonProperty
    private String initdead;
    @JsonProperty
    private AuthKeyYaml authkey;
    @JsonProperty
    private String authkeysFile;
    @JsonProperty
    private QuorumYaml quorum;
    @JsonProperty
    private FencingYaml fencing;
    @JsonProperty
    private List<NodeYaml> nodes = List.of();
    @JsonProperty
    private PropertiesYaml properties;
    @JsonProperty
    private List<PrimitiveYaml> resources = List.of();
    @JsonProperty
    private List<GroupYaml> groups = List.of();
    @JsonProperty
    private ConstraintsYaml constraints;
    @JsonProperty
    private HeartbeatFilesYaml heartbeat;

    /** {@code authkey:} inline. */
    public static class AuthKeyYaml {
        @JsonProperty
        String method = "sha1";
        @JsonProperty
        String secret;
    }

    /** {@code quorum:}. */
    public static class QuorumYaml {
        @JsonProperty
        String mode = "majority";
        @JsonProperty
        Boolean waitForAll;
        @JsonProperty
        String noQuorumPolicy = "stop";
    }

    /** {@code fencing:}. */
    public static class FencingYaml {
        @JsonProperty
        boolean enabled = true;
        @JsonProperty
        String action = "reboot";
        @JsonProperty
        String watchdogTimeout;
        @JsonProperty
        String selfFenceTimeout;
        @JsonProperty
        List<FenceDeviceYaml> devices = List.of();
    }

    /** {@code fencing.devices[i]}. */
    public static class FenceDeviceYaml {
        @JsonProperty
        String name;
        @JsonProperty
        String command;
        @JsonProperty
        List<String> nodes = List.of();
        @JsonProperty
        Map<String, String> parameters = Map.of();
        @JsonProperty
        String timeout;
        @JsonProperty
        Integer retries;
    }

    /** {@code nodes[i]}. */
    public static class NodeYaml {
        @JsonProperty
        String name;
        @JsonProperty
        String role = "storage";
        @JsonProperty
        int votes = 1;
        @JsonProperty
        List<String> addresses = List.of();
    }

    /** {@code properties:} (Pacemaker cluster options and rsc_defaults). */
    public static class PropertiesYaml {
        @JsonProperty("resource-stickiness")
        String resourceStickiness;
        @JsonProperty("migration-threshold")
        String migrationThreshold;
        @JsonProperty("failure-timeout")
        String failureTimeout;
        @JsonProperty("maintenance-mode")
        Boolean maintenanceMode;
        @JsonProperty("start-failure-is-fatal")
        Boolean startFailureIsFatal;
        @JsonProperty("symmetric-cluster")
        Boolean symmetricCluster;
    }

    /** {@code resources[i]}: a primitive. */
    public static class PrimitiveYaml {
        @JsonProperty
        String id;
        @JsonProperty
        String type;
        @JsonProperty
        Map<String, String> params = Map.of();
        @JsonProperty
        List<OperationYaml> ops = List.of();
        @JsonProperty
        MetaYaml meta;
    }

    /** {@code resources[i].ops[j]}. */
    public static class OperationYaml {
        @JsonProperty
        String name;
        @JsonProperty
        String interval;
        @JsonProperty
        String timeout;
        @JsonProperty("on-fail")
        String onFail;
    }

    /** {@code meta:} of a primitive or group. */
    public static class MetaYaml {
        @JsonProperty("resource-stickiness")
        String resourceStickiness;
        @JsonProperty("migration-threshold")
        String migrationThreshold;
        @JsonProperty("failure-timeout")
        String failureTimeout;
        @JsonProperty("target-role")
        String targetRole;
        @JsonProperty("is-managed")
        Boolean managed;
    }

    /** {@code groups[i]}. */
    public static class GroupYaml {
        @JsonProperty
        String id;
        @JsonProperty
        List<String> resources = List.of();
        @JsonProperty
        MetaYaml meta;
    }

    /** {@code constraints:}. */
    public static class ConstraintsYaml {
        @JsonProperty
        List<LocationYaml> location = List.of();
        @JsonProperty
        List<ColocationYaml> colocation = List.of();
        @JsonProperty
        List<OrderYaml> order = List.of();
    }

    /** {@code constraints.location[i]}. */
    public static class LocationYaml {
        @JsonProperty
        String id;
        @JsonProperty
        String rsc;
        @JsonProperty
        String node;
        @JsonProperty
        String score;
    }

    /** {@code constraints.colocation[i]}. */
    public static class ColocationYaml {
        @JsonProperty
        String id;
        @JsonProperty
        String rsc;
        @JsonProperty("with-rsc")
        String withRsc;
        @JsonProperty
        String score;
    }

    /** {@code constraints.order[i]}. */
    public static class OrderYaml {
        @JsonProperty
        String id;
        @JsonProperty
        String first;
        @JsonProperty
        String then;
        @JsonProperty
        String kind = "Mandatory";
    }

    /** {@code heartbeat:}: Heartbeat v1 files imported at start. */
    public static class HeartbeatFilesYaml {
        @JsonProperty
        Path haCf;
        @JsonProperty
        Path haresources;
        @JsonProperty
        Path authkeys;
    }

    /**
     * The typed definition.
     *
     * @param warnings receives the Heartbeat importer's warnings (nothing to fix, but worth a log line)
     * @throws ClusterDefinitionException naming the YAML path ({@code cluster....}) of the first problem
     */
    public ClusterDefinition toDefinition(List<String> warnings) {
        try {
            return heartbeat != null ? imported(warnings) : defined(warnings);
        } catch (ClusterDefinitionException e) {
            throw e.field().startsWith("cluster") ? e : e.withPrefix("cluster");
        }
    }

    /** Checks the section when the file is loaded (the Heartbeat files too: they are read at start anyway). */
    @SelfValidation
    public void checkDefinition(ViolationCollector violations) {
        try {
            toDefinition(new ArrayList<>());
        } catch (ClusterDefinitionException e) {
            violations.addViolation(e.getMessage());
        }
    }

    /** The node names given in {@code nodes}; empty when the nodes come from the Heartbeat import. */
    public Optional<List<String>> nodeNames() {
        if (nodes == null || nodes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(nodes.stream().filter(node -> node != null && node.name != null).map(node -> node.name).toList());
    }

    private ClusterDefinition imported(List<String> warnings) {
        if (heartbeat.haCf == null) {
            throw new ClusterDefinitionException("cluster.heartbeat.haCf", "is required: the path of Heartbeat's ha.cf");
        }
        HeartbeatImport imported;
        try {
            imported = HeartbeatImporter.importFiles(heartbeat.haCf, Optional.ofNullable(heartbeat.haresources),
                    Optional.ofNullable(heartbeat.authkeys));
        } catch (HeartbeatConfigException e) {
            throw new ClusterDefinitionException("cluster.heartbeat", e.getMessage());
        }
        warnings.addAll(imported.warnings());
        ClusterDefinition base = imported.definition();
        String clusterName = name != null ? checkedName() : base.name();
        List<ClusterNodeDefinition> clusterNodes = nodes.isEmpty() ? base.nodes() : nodes();
        return at("cluster", () -> new ClusterDefinition(clusterName, base.transport(), base.port(), base.timing(),
                base.authKey(), base.quorum(), base.fencing(), clusterNodes, base.resources()));
    }

    private ClusterDefinition defined(List<String> warnings) {
        String clusterName = checkedName();
        ClusterTransportKind transportKind = word("cluster.transport", transport, ClusterTransportKind.class);
        HeartbeatTiming defaults = HeartbeatTiming.defaults();
        HeartbeatTiming timing = at("cluster", () -> new HeartbeatTiming(
                duration("cluster.keepalive", keepalive, defaults.keepalive()),
                duration("cluster.warntime", warntime, defaults.warntime()),
                duration("cluster.deadtime", deadtime, defaults.deadtime()),
                duration("cluster.initdead", initdead, defaults.initdead())));
        AuthKey key = authKey(warnings);
        QuorumOptions quorumOptions = quorumOptions();
        FencingOptions fencingOptions = fencingOptions();
        List<ClusterNodeDefinition> clusterNodes = nodes();
        ResourceConfiguration resourceConfiguration = resourceConfiguration();
        return at("cluster", () -> new ClusterDefinition(clusterName, transportKind, port, timing, key, quorumOptions,
                fencingOptions, clusterNodes, resourceConfiguration));
    }

    private String checkedName() {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new ClusterDefinitionException("cluster.name", name == null ? "is required (the JGroups cluster name,"
                    + " the same on every node)" : "'" + name + "' must be 1 to 64 of A-Z a-z 0-9 _ . -");
        }
        return name;
    }

    private AuthKey authKey(List<String> warnings) {
        if (authkey != null && authkeysFile != null) {
            throw new ClusterDefinitionException("cluster.authkeysFile", "give either authkey or authkeysFile, not both");
        }
        if (authkeysFile != null) {
            try {
                return HeartbeatImporter.importAuthkeys(Path.of(authkeysFile), warnings);
            } catch (HeartbeatConfigException e) {
                throw new ClusterDefinitionException("cluster.authkeysFile", e.getMessage());
            }
        }
        if (authkey == null) {
            throw new ClusterDefinitionException("cluster.authkey", "is required (method, secret): the cluster's"
                    + " messages are authenticated and encrypted with it");
        }
        AuthMethod method = word("cluster.authkey.method", authkey.method, AuthMethod.class);
        if (authkey.secret == null) {
            throw new ClusterDefinitionException("cluster.authkey.secret", "is required (at least 8 characters,"
                    + " the same on every node)");
        }
        return at("cluster.authkey", () -> new AuthKey(method, authkey.secret));
    }

    private QuorumOptions quorumOptions() {
        if (quorum == null) {
            return QuorumOptions.defaults();
        }
        QuorumMode mode = word("cluster.quorum.mode", quorum.mode, QuorumMode.class);
        NoQuorumPolicy policy = word("cluster.quorum.noQuorumPolicy", quorum.noQuorumPolicy, NoQuorumPolicy.class);
        boolean waitForAll = quorum.waitForAll != null ? quorum.waitForAll : mode == QuorumMode.TWO_NODE;
        return at("cluster.quorum", () -> new QuorumOptions(mode, waitForAll, policy));
    }

    private FencingOptions fencingOptions() {
        if (fencing == null) {
            return FencingOptions.defaults();
        }
        FencingOptions defaults = FencingOptions.defaults();
        FenceAction action = word("cluster.fencing.action", fencing.action, FenceAction.class);
        Duration watchdog = duration("cluster.fencing.watchdogTimeout", fencing.watchdogTimeout, defaults.watchdogTimeout());
        Duration selfFence = duration("cluster.fencing.selfFenceTimeout", fencing.selfFenceTimeout, defaults.selfFenceTimeout());
        List<FenceDeviceDefinition> devices = new ArrayList<>();
        List<FenceDeviceYaml> deviceYamls = orEmpty(fencing.devices);
        for (int i = 0; i < deviceYamls.size(); i++) {
            String path = "cluster.fencing.devices[" + i + "]";
            FenceDeviceYaml device = required(path, deviceYamls.get(i));
            Duration timeout = duration(path + ".timeout", device.timeout, FenceDeviceDefinition.DEFAULT_TIMEOUT);
            int retries = device.retries != null ? device.retries : FenceDeviceDefinition.DEFAULT_RETRIES;
            devices.add(at(path, () -> new FenceDeviceDefinition(device.name, device.command, orEmpty(device.nodes),
                    orEmpty(device.parameters), timeout, retries)));
        }
        return at("cluster.fencing", () -> new FencingOptions(fencing.enabled, action, watchdog, selfFence, devices));
    }

    private List<ClusterNodeDefinition> nodes() {
        List<ClusterNodeDefinition> converted = new ArrayList<>();
        List<NodeYaml> list = orEmpty(nodes);
        for (int i = 0; i < list.size(); i++) {
            String path = "cluster.nodes[" + i + "]";
            NodeYaml node = required(path, list.get(i));
            NodeRole role = word(path + ".role", node.role, NodeRole.class);
            converted.add(at(path, () -> new ClusterNodeDefinition(node.name, role, node.votes, orEmpty(node.addresses))));
        }
        return converted;
    }

    private ResourceConfiguration resourceConfiguration() {
        List<PrimitiveDefinition> primitives = each("cluster.resources", resources, ClusterConfiguration::primitive);
        List<GroupDefinition> groupDefinitions = each("cluster.groups", groups, (path, group) -> {
            ResourceMeta meta = meta(path + ".meta", group.meta);
            return at(path, () -> new GroupDefinition(group.id, orEmpty(group.resources), meta));
        });
        ConstraintsYaml constraintYaml = constraints != null ? constraints : new ConstraintsYaml();
        List<LocationConstraint> locations = each("cluster.constraints.location", constraintYaml.location,
                (path, location) -> {
                    Score score = score(path + ".score", location.score);
                    return at(path, () -> new LocationConstraint(location.id, location.rsc, location.node, score));
                });
        List<ColocationConstraint> colocations = each("cluster.constraints.colocation", constraintYaml.colocation,
                (path, colocation) -> {
                    Score score = score(path + ".score", colocation.score);
                    return at(path, () -> new ColocationConstraint(colocation.id, colocation.rsc, colocation.withRsc,
                            score));
                });
        List<OrderConstraint> orders = each("cluster.constraints.order", constraintYaml.order, (path, order) -> {
            OrderKind kind = word(path + ".kind", order.kind, OrderKind.class);
            return at(path, () -> new OrderConstraint(order.id, order.first, order.then, kind));
        });
        ClusterProperties clusterProperties = clusterProperties();
        return at("cluster", () -> new ResourceConfiguration(primitives, groupDefinitions, locations, colocations, orders,
                clusterProperties));
    }

    private static PrimitiveDefinition primitive(String path, PrimitiveYaml primitive) {
        if (primitive.type == null) {
            throw new ClusterDefinitionException(path + ".type", "is required (known: "
                    + String.join(", ", ResourceTypes.canonicalTypes()) + ")");
        }
        String type = at(path, () -> ResourceTypes.canonical(primitive.type));
        List<OperationDefinition> operations = new ArrayList<>();
        List<OperationYaml> ops = orEmpty(primitive.ops);
        for (int j = 0; j < ops.size(); j++) {
            String opPath = path + ".ops[" + j + "]";
            OperationYaml op = required(opPath, ops.get(j));
            if (op.name == null) {
                throw new ClusterDefinitionException(opPath + ".name", "is required: start, stop or monitor");
            }
            Duration interval = duration(opPath + ".interval", op.interval, Duration.ZERO);
            Duration timeout = duration(opPath + ".timeout", op.timeout, OperationDefinition.DEFAULT_TIMEOUT);
            OnFail onFail = op.onFail == null ? OperationDefinition.defaultOnFail(op.name)
                    : word(opPath + ".on-fail", op.onFail, OnFail.class);
            operations.add(at(opPath, () -> new OperationDefinition(op.name, interval, timeout, onFail)));
        }
        ResourceMeta meta = meta(path + ".meta", primitive.meta);
        return at(path, () -> new PrimitiveDefinition(primitive.id, type, orEmpty(primitive.params), operations, meta));
    }

    private static ResourceMeta meta(String path, MetaYaml meta) {
        if (meta == null) {
            return ResourceMeta.empty();
        }
        Optional<Score> stickiness = meta.resourceStickiness == null ? Optional.empty()
                : Optional.of(score(path + ".resource-stickiness", meta.resourceStickiness));
        OptionalInt threshold = meta.migrationThreshold == null ? OptionalInt.empty()
                : OptionalInt.of(migrationThreshold(path + ".migration-threshold", meta.migrationThreshold));
        Optional<Duration> failureTimeout = meta.failureTimeout == null ? Optional.empty()
                : Optional.of(duration(path + ".failure-timeout", meta.failureTimeout, Duration.ZERO));
        TargetRole role = meta.targetRole == null ? TargetRole.STARTED : word(path + ".target-role", meta.targetRole, TargetRole.class);
        boolean managed = meta.managed == null || meta.managed;
        return at(path, () -> new ResourceMeta(stickiness, threshold, failureTimeout, role, managed));
    }

    private ClusterProperties clusterProperties() {
        ClusterProperties defaults = ClusterProperties.defaults();
        if (properties == null) {
            return defaults;
        }
        String path = "cluster.properties";
        Score stickiness = properties.resourceStickiness == null ? defaults.resourceStickiness()
                : score(path + ".resource-stickiness", properties.resourceStickiness);
        int threshold = properties.migrationThreshold == null ? defaults.migrationThreshold()
                : migrationThreshold(path + ".migration-threshold", properties.migrationThreshold);
        Duration failureTimeout = duration(path + ".failure-timeout", properties.failureTimeout, defaults.failureTimeout());
        return at(path, () -> new ClusterProperties(stickiness, threshold, failureTimeout,
                properties.maintenanceMode != null ? properties.maintenanceMode : defaults.maintenanceMode(),
                properties.startFailureIsFatal != null ? properties.startFailureIsFatal : defaults.startFailureIsFatal(),
                properties.symmetricCluster != null ? properties.symmetricCluster : defaults.symmetricCluster()));
    }

    // ---- value parsing, each error naming its field ----

    /** Dropwizard's duration text ({@code 500ms}, {@code 2s}, {@code 1 minute}); absent: {@code fallback}. */
    static Duration duration(String field, String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return io.dropwizard.util.Duration.parse(text.strip()).toJavaDuration();
        } catch (IllegalArgumentException e) {
            throw new ClusterDefinitionException(field, "'" + text + "' is not a duration: write e.g. 500ms, 2s, 1m");
        }
    }

    static Score score(String field, String text) {
        if (text == null) {
            throw new ClusterDefinitionException(field, "is required: a number, INFINITY or -INFINITY");
        }
        return at(field, () -> Score.parse(text));
    }

    /** A positive number or INFINITY (= {@link Integer#MAX_VALUE}: never migrate because of failures). */
    static int migrationThreshold(String field, String text) {
        String trimmed = text.strip();
        if (trimmed.equalsIgnoreCase("INFINITY") || trimmed.equalsIgnoreCase("+INFINITY")) {
            return Integer.MAX_VALUE;
        }
        try {
            int value = Integer.parseInt(trimmed);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ClusterDefinitionException(field, "'" + text + "' must be a number >= 1 or INFINITY");
    }

    /** An enum constant written in YAML as lower case with '-' or '_' (e.g. {@code two_node}, {@code Mandatory}). */
    static <E extends Enum<E>> E word(String field, String text, Class<E> type) {
        List<String> known = Arrays.stream(type.getEnumConstants()).map(constant -> constant.name().toLowerCase(Locale.ROOT))
                .toList();
        if (text != null) {
            String wanted = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(wanted)) {
                    return constant;
                }
            }
        }
        throw new ClusterDefinitionException(field, (text == null ? "is required" : "'" + text + "' is not valid")
                + " (one of " + String.join(", ", known) + ")");
    }

    /** Runs a record's constructor; its relative field name gets {@code path} in front. */
    static <T> T at(String path, Supplier<T> construction) {
        try {
            return construction.get();
        } catch (ClusterDefinitionException e) {
            if (e.field().startsWith("cluster")) {
                throw e;
            }
            throw e.withPrefix(path);
        }
    }

    /** Converts each entry of a YAML list; {@code convert} gets the entry's path ({@code cluster.groups[2]}). */
    private static <Y, T> List<T> each(String path, List<Y> entries, BiFunction<String, Y, T> convert) {
        List<T> converted = new ArrayList<>();
        List<Y> list = orEmpty(entries);
        for (int i = 0; i < list.size(); i++) {
            String entryPath = path + "[" + i + "]";
            converted.add(convert.apply(entryPath, required(entryPath, list.get(i))));
        }
        return converted;
    }

    private static <T> T required(String path, T value) {
        if (value == null) {
            throw new ClusterDefinitionException(path, "must not be empty");
        }
        return value;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        if (map == null) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(key, value == null ? "" : value));
        return copy;
    }
}
