package io.appliance.config.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads DRBD configuration files ({@code drbd.conf}, {@code *.res}) into {@link ResourceDefinition}s,
 * with drbdadm's meaning ({@code drbdadm -c FILE dump all} is the reference):
 *
 * <ul>
 *   <li>{@code global}, {@code common}, {@code resource NAME}, {@code include "GLOB";} at the top
 *       level; an include pattern is relative to the including file (for {@link #importText}: to the
 *       directory of {@code sourceName}); include cycles are refused.
 *   <li>Options set in {@code common} apply to every resource that does not set them; host keys
 *       ({@code device}, {@code disk}, {@code meta-disk}) written in the resource apply to every
 *       {@code on HOST} section that does not set them; {@code protocol} may be written in the
 *       resource, in {@code common} or in {@code net}; DRBD 8.3's {@code syncer} section is read as
 *       the 8.4 {@code disk}/{@code net} keys ({@code rate} is {@code resync-rate}).
 *   <li>DRBD 9: {@code node-id}, one {@code volume}, and one {@code connection} or
 *       {@code connection-mesh} that names exactly the two hosts (its {@code net} options win over
 *       the resource's).
 * </ul>
 *
 * DRBD settings that mean nothing here (buffers, handlers, startup waits, global settings) become
 * warnings; unknown keys, bad values and unsupported features ({@code floating}, indexed meta-disks,
 * more than two hosts, stacked resources) are a {@link DrbdConfigException} with file, line and column.
 * Instances hold no state and may be shared.
 */
public final class DrbdConfigImporter {

    /** Largest configuration file read. */
    public static final long MAX_FILE_BYTES = 1024 * 1024;
    /** Deepest chain of includes followed. */
    public static final int MAX_INCLUDE_DEPTH = 16;

    private static final String BUFFERS = "buffers and TCP windows are sized by the replication engine";
    private static final String RATE_CONTROL = "the resync rate controller is set by resync-rate and c-min-rate";
    private static final String ORDERING = "resyncs of different resources are not ordered";
    private static final String FLUSHES = "flushes and barriers of the backing volume are always used";
    private static final String STARTUP = "start-up waits and promotion are decided by the cluster manager";
    private static final String GLOBAL = "global DRBD settings mean nothing here";
    private static final String KERNEL = "a kernel tunable of DRBD with no equivalent here";
    private static final String HANDLERS = "handlers are not run; the cluster manager does fencing";

    private static final Map<String, Map<String, OptionRule>> SECTION_RULES = sectionRules();
    private static final Set<String> GLOBAL_KEYS = Set.of("usage-count", "minor-count", "dialog-refresh",
            "disable-ip-verification", "cmd-timeout-short", "cmd-timeout-medium", "cmd-timeout-long",
            "udev-always-use-vnr");
    private static final Map<String, BiConsumer<ResourceOptions.Builder, String>> APPLIERS = appliers();

    public DrbdConfigImporter() {
    }

    /**
     * Imports a file and the files it includes.
     *
     * @throws DrbdConfigException on any error, including an unreadable file (line and column 0)
     */
    public DrbdImport importFile(Path file) {
        Session session = new Session();
        session.includeFile(file, null);
        return session.finish();
    }

    /**
     * Imports configuration text; {@code sourceName} names it in messages, and its directory (if it is
     * a path) is where relative include patterns are resolved, the working directory otherwise.
     *
     * @throws DrbdConfigException on any error
     */
    public DrbdImport importText(String text, String sourceName) {
        Session session = new Session();
        session.parseTopLevel(text, sourceName, directoryOf(sourceName));
        return session.finish();
    }

    private static Path directoryOf(String sourceName) {
        try {
            Path parent = Path.of(sourceName).toAbsolutePath().getParent();
            return parent != null ? parent : Path.of("").toAbsolutePath();
        } catch (InvalidPathException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    private enum RuleKind { MAPPED, FLAG, IGNORED, REFUSED }

    /** How one key of a section is treated: mapped to {@code canonicalKey}, ignored or refused with a reason. */
    private record OptionRule(RuleKind kind, String canonicalKey, String reason) {
        static OptionRule mapped(String canonicalKey) {
            return new OptionRule(RuleKind.MAPPED, canonicalKey, null);
        }

        static OptionRule ignored(String reason) {
            return new OptionRule(RuleKind.IGNORED, null, reason);
        }
    }

    private static Map<String, Map<String, OptionRule>> sectionRules() {
        Map<String, OptionRule> net = new LinkedHashMap<>();
        for (String key : List.of("protocol", "cram-hmac-alg", "shared-secret", "after-sb-0pri", "after-sb-1pri",
                "after-sb-2pri", "verify-alg", "csums-alg", "connect-int", "ping-int", "ping-timeout", "timeout",
                "fencing")) {
            net.put(key, OptionRule.mapped(key));
        }
        net.put("allow-two-primaries", new OptionRule(RuleKind.FLAG, "allow-two-primaries", null));
        for (String key : List.of("max-buffers", "max-epoch-size", "sndbuf-size", "rcvbuf-size", "unplug-watermark",
                "tcp-cork", "congestion-fill", "congestion-extents", "on-congestion", "use-rle", "socket-check-timeout",
                "transport", "ko-count")) {
            net.put(key, OptionRule.ignored(BUFFERS));
        }
        for (String key : List.of("always-asbp", "rr-conflict", "csums-after-crash-only", "discard-my-data",
                "allow-remote-read", "load-balance-paths", "data-integrity-alg")) {
            net.put(key, OptionRule.ignored(KERNEL));
        }

        Map<String, OptionRule> disk = new LinkedHashMap<>();
        for (String key : List.of("on-io-error", "fencing", "resync-rate", "c-min-rate", "al-extents")) {
            disk.put(key, OptionRule.mapped(key));
        }
        for (String key : List.of("c-max-rate", "c-plan-ahead", "c-delay-target", "c-fill-target")) {
            disk.put(key, OptionRule.ignored(RATE_CONTROL));
        }
        disk.put("resync-after", OptionRule.ignored(ORDERING));
        for (String key : List.of("disk-barrier", "disk-flushes", "disk-drain", "md-flushes", "no-disk-barrier",
                "no-disk-flushes", "no-disk-drain", "no-md-flushes")) {
            disk.put(key, OptionRule.ignored(FLUSHES));
        }
        for (String key : List.of("al-updates", "disk-timeout", "read-balancing", "discard-zeroes-if-aligned",
                "rs-discard-granularity", "disable-write-same", "max-bio-bvecs", "bitmap")) {
            disk.put(key, OptionRule.ignored(KERNEL));
        }
        disk.put("size", new OptionRule(RuleKind.REFUSED, null,
                "disk option size (a replicated size below the backing volume's) is not supported"));

        Map<String, OptionRule> syncer = new LinkedHashMap<>();
        syncer.put("rate", OptionRule.mapped("resync-rate"));
        for (String key : List.of("verify-alg", "csums-alg", "al-extents", "c-min-rate")) {
            syncer.put(key, OptionRule.mapped(key));
        }
        syncer.put("after", OptionRule.ignored(ORDERING));
        for (String key : List.of("c-max-rate", "c-plan-ahead", "c-delay-target", "c-fill-target", "delay-probe-volume",
                "delay-probe-interval", "throttle-threshold", "hold-off-threshold")) {
            syncer.put(key, OptionRule.ignored(RATE_CONTROL));
        }
        for (String key : List.of("cpu-mask", "use-rle", "on-no-data-accessible")) {
            syncer.put(key, OptionRule.ignored(KERNEL));
        }

        Map<String, OptionRule> startup = new LinkedHashMap<>();
        for (String key : List.of("wfc-timeout", "degr-wfc-timeout", "outdated-wfc-timeout", "wait-after-sb",
                "become-primary-on", "stacked-timeouts")) {
            startup.put(key, OptionRule.ignored(STARTUP));
        }

        Map<String, OptionRule> options = new LinkedHashMap<>();
        for (String key : List.of("cpu-mask", "on-no-data-accessible", "auto-promote", "auto-promote-timeout",
                "max-io-depth", "quorum", "on-no-quorum", "quorum-minimum-redundancy", "on-suspended-primary-outdated",
                "peer-ack-window", "peer-ack-delay", "twopc-timeout", "twopc-retry-timeout")) {
            options.put(key, OptionRule.ignored(KERNEL));
        }
        return Map.of("net", Map.copyOf(net), "disk", Map.copyOf(disk), "syncer", Map.copyOf(syncer),
                "startup", Map.copyOf(startup), "options", Map.copyOf(options));
    }

    private static Map<String, BiConsumer<ResourceOptions.Builder, String>> appliers() {
        Map<String, BiConsumer<ResourceOptions.Builder, String>> appliers = new LinkedHashMap<>();
        appliers.put("protocol", (builder, value) -> builder.protocol(ReplicationProtocol.fromDrbdName(value)));
        appliers.put("verify-alg", (builder, value) -> builder.verifyAlg(DigestAlgorithm.fromDrbdName(value)));
        appliers.put("csums-alg", (builder, value) -> builder.csumsAlg(DigestAlgorithm.fromDrbdName(value)));
        appliers.put("cram-hmac-alg", (builder, value) -> builder.cramHmacAlg(Optional.of(HmacAlgorithm.fromDrbdName(value))));
        appliers.put("shared-secret", (builder, value) -> builder.sharedSecret(Optional.of(value)));
        appliers.put("after-sb-0pri", (builder, value) -> {
            ResourceDefinitionParsing.AfterSb0PriSetting setting = ResourceDefinitionParsing.parseAfterSb0Pri(value);
            builder.afterSb0Pri(setting.policy()).discardNode(setting.discardNode());
        });
        appliers.put("after-sb-1pri", (builder, value) -> builder.afterSb1Pri(AfterSb1Pri.fromDrbdName(value)));
        appliers.put("after-sb-2pri", (builder, value) -> builder.afterSb2Pri(AfterSb2Pri.fromDrbdName(value)));
        appliers.put("allow-two-primaries", (builder, value) -> builder.allowTwoPrimaries(ResourceDefinitionParsing.parseYesNo(value)));
        appliers.put("connect-int", (builder, value) -> builder.connectInterval(ResourceDefinitionParsing.parseSeconds(value)));
        appliers.put("ping-int", (builder, value) -> builder.pingInterval(ResourceDefinitionParsing.parseSeconds(value)));
        appliers.put("ping-timeout", (builder, value) -> builder.pingTimeout(ResourceDefinitionParsing.parseTenthsOfSecond(value)));
        appliers.put("timeout", (builder, value) -> builder.timeout(ResourceDefinitionParsing.parseTenthsOfSecond(value)));
        appliers.put("fencing", (builder, value) -> builder.fencing(FencingPolicy.fromDrbdName(value)));
        appliers.put("on-io-error", (builder, value) -> builder.onIoError(OnIoError.fromDrbdName(value)));
        appliers.put("resync-rate", (builder, value) -> builder.resyncRateBytesPerSecond(ResourceDefinitionParsing.parseRateBytesPerSecond(value)));
        appliers.put("c-min-rate", (builder, value) -> builder.cMinRateBytesPerSecond(ResourceDefinitionParsing.parseRateBytesPerSecond(value)));
        appliers.put("al-extents", (builder, value) -> builder.alExtents(ResourceDefinitionParsing.parseInteger(value, 7, 65534)));
        return Map.copyOf(appliers);
    }

    /** One option as written: its key token and value tokens. */
    private record Setting(String canonicalKey, DrbdToken keyToken, List<DrbdToken> values) {
        DrbdToken valueToken() {
            return values.isEmpty() ? keyToken : values.get(0);
        }

        String value() {
            return values.isEmpty() ? "yes" : values.get(0).text();
        }
    }

    /** Options of one level (common, a resource, its connection); a key may be set once per level. */
    private static final class OptionScope {
        private final String description;
        private final Map<String, Setting> settings = new LinkedHashMap<>();

        OptionScope(String description) {
            this.description = description;
        }

        void put(Setting setting) {
            Setting earlier = settings.putIfAbsent(setting.canonicalKey(), setting);
            if (earlier != null) {
                throw setting.keyToken().error(setting.canonicalKey() + " is set twice in " + description
                        + " (first at " + earlier.keyToken().where() + ")");
            }
        }

        Optional<Setting> get(String canonicalKey) {
            return Optional.ofNullable(settings.get(canonicalKey));
        }
    }

    /** A parsed value and the token it came from. */
    private record Located<T>(DrbdToken token, T value) {
    }

    /** Host keys (device, disk, meta-disk, address, node-id) of an {@code on} section or of a resource. */
    private static final class HostKeys {
        private final String description;
        Located<String> device;
        Located<String> disk;
        Located<MetaDisk> metaDisk;
        Located<ResourceDefinitionParsing.Address> address;
        Located<Integer> nodeId;

        HostKeys(String description) {
            this.description = description;
        }

        <T> Located<T> once(Located<T> current, DrbdToken keyword, T value) {
            if (current != null) {
                throw keyword.error(keyword.text() + " is set twice in " + description + " (first at "
                        + current.token().where() + ")");
            }
            return new Located<>(keyword, value);
        }
    }

    private static final class HostDraft {
        final DrbdToken onToken;
        final String name;
        final HostKeys keys;

        HostDraft(DrbdToken onToken, String name) {
            this.onToken = onToken;
            this.name = name;
            this.keys = new HostKeys("'on " + name + "'");
        }
    }

    private static final class ResourceDraft {
        final DrbdToken keyword;
        final String name;
        final OptionScope options;
        final OptionScope connectionOptions;
        final HostKeys defaults;
        final List<HostDraft> hosts = new ArrayList<>();
        final Map<String, Located<ResourceDefinitionParsing.Address>> connectionAddresses = new LinkedHashMap<>();
        DrbdToken connectionToken;
        List<DrbdToken> connectionHosts = List.of();
        Located<String> volume;

        ResourceDraft(DrbdToken keyword, String name) {
            this.keyword = keyword;
            this.name = name;
            this.options = new OptionScope("resource " + name);
            this.connectionOptions = new OptionScope("the connection of resource " + name);
            this.defaults = new HostKeys("resource " + name);
        }
    }

    /** One import: the state gathered while reading the files. */
    private static final class Session {
        private final List<String> warnings = new ArrayList<>();
        private final Deque<Path> includeStack = new ArrayDeque<>();
        private final OptionScope common = new OptionScope("common");
        private final Map<String, ResourceDraft> resources = new LinkedHashMap<>();
        private DrbdToken commonToken;
        private DrbdToken globalToken;

        void includeFile(Path file, DrbdToken includedFrom) {
            String sourceName = file.toString();
            Path realPath;
            String text;
            try {
                realPath = file.toRealPath();
                if (includeStack.contains(realPath)) {
                    String cycle = Stream.concat(includeStack.stream(), Stream.of(realPath))
                            .map(Path::toString).collect(Collectors.joining(" -> "));
                    throw includedFrom.error("include cycle: " + cycle);
                }
                if (includeStack.size() >= MAX_INCLUDE_DEPTH) {
                    throw includedFrom.error("includes nested deeper than " + MAX_INCLUDE_DEPTH + " files");
                }
                if (!Files.isRegularFile(realPath)) {
                    throw fileError(sourceName, includedFrom, "not a regular file", null);
                }
                if (Files.size(realPath) > MAX_FILE_BYTES) {
                    throw fileError(sourceName, includedFrom, "larger than " + MAX_FILE_BYTES + " bytes", null);
                }
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(Files.readAllBytes(realPath))).toString();
            } catch (CharacterCodingException e) {
                throw fileError(sourceName, includedFrom, "not UTF-8 text", e);
            } catch (IOException e) {
                throw fileError(sourceName, includedFrom, "cannot read: " + e, e);
            }
            includeStack.addLast(realPath);
            try {
                Path parent = file.toAbsolutePath().getParent();
                parseTopLevel(text, sourceName, parent);
            } finally {
                includeStack.removeLast();
            }
        }

        private static DrbdConfigException fileError(String sourceName, DrbdToken includedFrom, String problem, Throwable cause) {
            if (includedFrom != null) {
                return includedFrom.error("include '" + sourceName + "': " + problem, cause);
            }
            return new DrbdConfigException(sourceName, 0, 0, problem, cause);
        }

        void parseTopLevel(String text, String sourceName, Path directory) {
            for (DrbdStatement statement : DrbdStatement.parseFile(text, sourceName)) {
                switch (statement.name()) {
                    case "global" -> global(statement);
                    case "common" -> common(statement);
                    case "resource" -> resource(statement);
                    case "include" -> include(statement, directory);
                    case "skip" -> {
                        // drbd.conf(5): a skip section and everything in it is ignored.
                    }
                    default -> throw statement.keyword().error("unknown top-level keyword '" + statement.name()
                            + "' (expected global, common, resource, include or skip)");
                }
            }
        }

        private void include(DrbdStatement statement, Path directory) {
            requireNoBlock(statement);
            if (statement.arguments().size() != 1) {
                throw statement.keyword().error("include needs one file name or pattern: include \"drbd.d/*.res\";");
            }
            String pattern = statement.arguments().get(0).text();
            Path resolved;
            try {
                resolved = directory.resolve(pattern).normalize();
            } catch (InvalidPathException e) {
                throw statement.arguments().get(0).error("include pattern '" + pattern + "' is not a path", e);
            }
            if (!hasGlobCharacters(pattern)) {
                if (!Files.exists(resolved)) {
                    throw statement.arguments().get(0).error("include file '" + resolved + "' does not exist");
                }
                includeFile(resolved, statement.keyword());
                return;
            }
            List<Path> matches = expandGlob(resolved, statement.arguments().get(0));
            if (matches.isEmpty()) {
                warn(statement.keyword(), "include pattern '" + resolved + "' matches no file");
            }
            for (Path match : matches) {
                includeFile(match, statement.keyword());
            }
        }

        private static boolean hasGlobCharacters(String text) {
            return text.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
        }

        private static List<Path> expandGlob(Path pattern, DrbdToken token) {
            Path base = pattern.getRoot();
            int firstGlob = 0;
            while (firstGlob < pattern.getNameCount() && !hasGlobCharacters(pattern.getName(firstGlob).toString())) {
                base = base.resolve(pattern.getName(firstGlob).toString());
                firstGlob++;
            }
            int depth = pattern.getNameCount() - firstGlob;
            if (!Files.isDirectory(base)) {
                return List.of();
            }
            PathMatcher matcher;
            try {
                matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            } catch (IllegalArgumentException e) {
                throw token.error("include pattern '" + pattern + "' is not a valid glob: " + e.getMessage(), e);
            }
            try (Stream<Path> paths = Files.walk(base, depth)) {
                return paths.filter(path -> path.getNameCount() == pattern.getNameCount())
                        .filter(matcher::matches).filter(Files::isRegularFile).sorted().toList();
            } catch (IOException | UncheckedIOException e) {
                throw token.error("include pattern '" + pattern + "': cannot list " + base + ": " + e.getMessage(), e);
            }
        }

        private void global(DrbdStatement statement) {
            requireBlock(statement, 0);
            if (globalToken != null) {
                throw statement.keyword().error("second global section (the first is at " + globalToken.where() + ")");
            }
            globalToken = statement.keyword();
            for (DrbdStatement key : statement.block().orElseThrow()) {
                requireNoBlock(key);
                if (!GLOBAL_KEYS.contains(key.name())) {
                    throw key.keyword().error("unknown global option '" + key.name() + "'");
                }
                warn(key.keyword(), "global " + key.name() + " ignored: " + GLOBAL);
            }
        }

        private void common(DrbdStatement statement) {
            requireBlock(statement, 0);
            if (commonToken != null) {
                throw statement.keyword().error("second common section (the first is at " + commonToken.where() + ")");
            }
            commonToken = statement.keyword();
            for (DrbdStatement child : statement.block().orElseThrow()) {
                switch (child.name()) {
                    case "protocol" -> option(common, child, OptionRule.mapped("protocol"));
                    case "handlers" -> handlers(child);
                    default -> {
                        if (SECTION_RULES.containsKey(child.name()) && child.hasBlock()) {
                            section(common, child);
                        } else {
                            throw child.keyword().error("'" + child.name() + "' is not allowed in common"
                                    + " (expected protocol, net, disk, syncer, startup, options or handlers)");
                        }
                    }
                }
            }
        }

        private void resource(DrbdStatement statement) {
            requireBlock(statement, 1);
            DrbdToken nameToken = statement.arguments().get(0);
            String name = nameToken.text();
            ResourceDraft draft = new ResourceDraft(statement.keyword(), name);
            ResourceDraft earlier = resources.putIfAbsent(name, draft);
            if (earlier != null) {
                throw nameToken.error("resource " + name + " is defined twice (first at " + earlier.keyword.where() + ")");
            }
            for (DrbdStatement child : statement.block().orElseThrow()) {
                switch (child.name()) {
                    case "protocol" -> option(draft.options, child, OptionRule.mapped("protocol"));
                    case "on" -> on(draft, child);
                    case "handlers" -> handlers(child);
                    case "volume" -> volume(draft, child, draft.defaults, true);
                    case "connection" -> connection(draft, child);
                    case "connection-mesh" -> connectionMesh(draft, child);
                    case "floating" -> throw child.keyword().error(
                            "floating sections (hosts chosen by address) are not supported: use 'on HOST' sections");
                    case "stacked-on-top-of" -> throw child.keyword().error("stacked resources are not supported");
                    case "address", "node-id" -> throw child.keyword().error(
                            child.name() + " belongs in an 'on HOST' section");
                    case "skip" -> {
                        // drbd.conf(5): a skip section and everything in it is ignored.
                    }
                    default -> {
                        if (SECTION_RULES.containsKey(child.name()) && child.hasBlock()) {
                            section(draft.options, child);
                        } else if (!hostKey(draft.defaults, child)) {
                            throw child.keyword().error("unknown keyword '" + child.name() + "' in resource " + name);
                        }
                    }
                }
            }
        }

        private void on(ResourceDraft draft, DrbdStatement statement) {
            if (statement.arguments().size() != 1) {
                throw statement.keyword().error("'on' needs exactly one host name: on HOST { ... }");
            }
            requireBlock(statement, 1);
            String hostName = statement.arguments().get(0).text();
            for (HostDraft host : draft.hosts) {
                if (host.name.equals(hostName)) {
                    throw statement.arguments().get(0).error("host '" + hostName + "' has two 'on' sections in resource "
                            + draft.name + " (first at " + host.onToken.where() + ")");
                }
            }
            HostDraft host = new HostDraft(statement.keyword(), hostName);
            draft.hosts.add(host);
            for (DrbdStatement child : statement.block().orElseThrow()) {
                if (child.name().equals("volume")) {
                    volume(draft, child, host.keys, false);
                } else if (child.hasBlock() && SECTION_RULES.containsKey(child.name())) {
                    throw child.keyword().error("per-host " + child.name()
                            + " options are not supported: set them in the resource (they apply to both hosts)");
                } else if (!hostKey(host.keys, child)) {
                    throw child.keyword().error("unknown keyword '" + child.name() + "' in 'on " + hostName + "'");
                }
            }
        }

        private void volume(ResourceDraft draft, DrbdStatement statement, HostKeys keys, boolean optionsAllowed) {
            requireBlock(statement, 1);
            DrbdToken number = statement.arguments().get(0);
            if (draft.volume != null && !draft.volume.value().equals(number.text())) {
                throw number.error("resource " + draft.name + ": only one volume per resource is supported (volume "
                        + draft.volume.value() + " at " + draft.volume.token().where() + ")");
            }
            draft.volume = new Located<>(number, number.text());
            for (DrbdStatement child : statement.block().orElseThrow()) {
                if (optionsAllowed && child.name().equals("disk") && child.hasBlock()) {
                    section(draft.options, child);
                } else if (!hostKey(keys, child)) {
                    throw child.keyword().error("unknown keyword '" + child.name() + "' in volume " + number.text());
                }
            }
        }

        /** Reads a host key (device, disk, meta-disk, flexible-meta-disk, address, node-id); false if it is none. */
        private boolean hostKey(HostKeys keys, DrbdStatement statement) {
            if (statement.hasBlock()) {
                return false;
            }
            DrbdToken keyword = statement.keyword();
            List<DrbdToken> arguments = statement.arguments();
            switch (statement.name()) {
                case "device" -> keys.device = keys.once(keys.device, keyword, device(statement));
                case "disk" -> {
                    DrbdToken path = single(statement, "disk PATH");
                    if (path.text().equals("none")) {
                        throw path.error("diskless hosts (disk none) are not supported");
                    }
                    keys.disk = keys.once(keys.disk, keyword, path.text());
                }
                case "meta-disk" -> keys.metaDisk = keys.once(keys.metaDisk, keyword, metaDisk(statement, false));
                case "flexible-meta-disk" -> keys.metaDisk = keys.once(keys.metaDisk, keyword, metaDisk(statement, true));
                case "address" -> {
                    if (arguments.isEmpty() || arguments.size() > 2) {
                        throw keyword.error("address needs [ipv4|ipv6] ADDRESS:PORT");
                    }
                    keys.address = keys.once(keys.address, keyword, address(arguments));
                }
                case "node-id" -> {
                    DrbdToken value = single(statement, "node-id NUMBER");
                    keys.nodeId = keys.once(keys.nodeId, keyword, parse(value, "node-id",
                            text -> ResourceDefinitionParsing.parseInteger(text, 0, 31)));
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        private static String device(DrbdStatement statement) {
            List<DrbdToken> arguments = statement.arguments();
            // drbd.conf(5): device [/dev/drbdN] [minor N]
            if (arguments.size() == 1 && !arguments.get(0).text().equals("minor")) {
                return arguments.get(0).text();
            }
            if (arguments.size() == 2 && arguments.get(0).text().equals("minor")) {
                return "/dev/drbd" + minor(arguments.get(1));
            }
            if (arguments.size() == 3 && arguments.get(1).text().equals("minor")) {
                minor(arguments.get(2));
                return arguments.get(0).text();
            }
            throw statement.keyword().error("device needs /dev/drbdN, minor N, or /dev/drbdN minor N");
        }

        private static int minor(DrbdToken token) {
            return parse(token, "minor", text -> ResourceDefinitionParsing.parseInteger(text, 0, 1048575));
        }

        private static MetaDisk metaDisk(DrbdStatement statement, boolean flexible) {
            List<DrbdToken> arguments = statement.arguments();
            String usage = flexible ? "flexible-meta-disk internal | PATH" : "meta-disk internal | PATH";
            if (arguments.isEmpty()) {
                throw statement.keyword().error(statement.name() + " needs a value: " + usage);
            }
            DrbdToken value = arguments.get(0);
            boolean indexed = arguments.size() > 1 || value.text().contains("[");
            if (indexed && !flexible && !value.text().equals("internal")) {
                throw value.error("indexed meta-disk is not supported, use flexible-meta-disk");
            }
            if (arguments.size() > 1) {
                throw arguments.get(1).error("unexpected " + arguments.get(1).describe() + ": " + usage);
            }
            if (value.text().equals("internal")) {
                return new MetaDisk.Internal();
            }
            if (!value.text().startsWith("/")) {
                throw value.error(statement.name() + " '" + value.text() + "' is not internal or an absolute path");
            }
            return new MetaDisk.External(value.text());
        }

        private static ResourceDefinitionParsing.Address address(List<DrbdToken> arguments) {
            String text = arguments.stream().map(DrbdToken::text).collect(Collectors.joining(" "));
            return parse(arguments.get(0), "address", ResourceDefinitionParsing::parseAddress, text);
        }

        private void connection(ResourceDraft draft, DrbdStatement statement) {
            if (statement.arguments().size() > 1) {
                throw statement.keyword().error("connection takes at most a name: connection [NAME] { ... }");
            }
            requireBlock(statement, statement.arguments().size());
            firstConnection(draft, statement);
            List<DrbdToken> hosts = new ArrayList<>();
            boolean pathSeen = false;
            for (DrbdStatement child : statement.block().orElseThrow()) {
                switch (child.name()) {
                    case "host" -> hosts.add(connectionHost(draft, child, false));
                    case "path" -> {
                        if (pathSeen) {
                            throw child.keyword().error("only one path per connection is supported (no multi-path)");
                        }
                        pathSeen = true;
                        requireBlock(child, 0);
                        List<DrbdToken> pathHosts = new ArrayList<>();
                        for (DrbdStatement pathHost : child.block().orElseThrow()) {
                            if (!pathHost.name().equals("host")) {
                                throw pathHost.keyword().error("unknown keyword '" + pathHost.name() + "' in path");
                            }
                            pathHosts.add(connectionHost(draft, pathHost, true));
                        }
                        if (hosts.isEmpty()) {
                            hosts.addAll(pathHosts);
                        }
                    }
                    case "net", "disk" -> {
                        requireBlock(child, 0);
                        section(draft.connectionOptions, child);
                    }
                    default -> throw child.keyword().error("unknown keyword '" + child.name() + "' in connection");
                }
            }
            draft.connectionHosts = hosts;
        }

        private DrbdToken connectionHost(ResourceDraft draft, DrbdStatement statement, boolean addressRequired) {
            requireNoBlock(statement);
            List<DrbdToken> arguments = statement.arguments();
            if (arguments.isEmpty()) {
                throw statement.keyword().error("host needs a name: host NAME [address [ipv4|ipv6] ADDRESS:PORT]");
            }
            DrbdToken name = arguments.get(0);
            if (arguments.size() == 1 && !addressRequired) {
                return name;
            }
            if (arguments.size() < 3 || arguments.size() > 4 || !arguments.get(1).text().equals("address")) {
                throw statement.keyword().error("expected host NAME address [ipv4|ipv6] ADDRESS:PORT"
                        + (addressRequired ? " in a path" : ""));
            }
            Located<ResourceDefinitionParsing.Address> earlier = draft.connectionAddresses.get(name.text());
            ResourceDefinitionParsing.Address address = address(arguments.subList(2, arguments.size()));
            if (earlier != null && !earlier.value().equals(address)) {
                throw arguments.get(2).error("host '" + name.text() + "' has two connection addresses (first at "
                        + earlier.token().where() + ")");
            }
            draft.connectionAddresses.put(name.text(), new Located<>(arguments.get(2), address));
            return name;
        }

        private void connectionMesh(ResourceDraft draft, DrbdStatement statement) {
            requireBlock(statement, 0);
            firstConnection(draft, statement);
            for (DrbdStatement child : statement.block().orElseThrow()) {
                switch (child.name()) {
                    case "hosts" -> {
                        requireNoBlock(child);
                        draft.connectionHosts = child.arguments();
                    }
                    case "net" -> {
                        requireBlock(child, 0);
                        section(draft.connectionOptions, child);
                    }
                    default -> throw child.keyword().error("unknown keyword '" + child.name() + "' in connection-mesh");
                }
            }
        }

        private static void firstConnection(ResourceDraft draft, DrbdStatement statement) {
            if (draft.connectionToken != null) {
                throw statement.keyword().error("resource " + draft.name + " has a second " + statement.name()
                        + " (first at " + draft.connectionToken.where()
                        + "): only one connection between the two hosts is supported");
            }
            draft.connectionToken = statement.keyword();
        }

        private void handlers(DrbdStatement statement) {
            requireBlock(statement, 0);
            warn(statement.keyword(), HANDLERS);
        }

        private void section(OptionScope scope, DrbdStatement statement) {
            requireBlock(statement, 0);
            Map<String, OptionRule> rules = SECTION_RULES.get(statement.name());
            for (DrbdStatement child : statement.block().orElseThrow()) {
                OptionRule rule = rules.get(child.name());
                if (rule == null) {
                    throw child.keyword().error("unknown " + statement.name() + " option '" + child.name() + "'");
                }
                option(scope, child, rule);
            }
        }

        private void option(OptionScope scope, DrbdStatement statement, OptionRule rule) {
            requireNoBlock(statement);
            String key = statement.name();
            switch (rule.kind()) {
                case IGNORED -> warn(statement.keyword(), key + " ignored: " + rule.reason());
                case REFUSED -> throw statement.keyword().error(rule.reason());
                case MAPPED, FLAG -> {
                    int count = statement.arguments().size();
                    if (count > 1 || (count == 0 && rule.kind() == RuleKind.MAPPED)) {
                        throw statement.keyword().error(key + " needs one value, has " + count);
                    }
                    Setting setting = new Setting(rule.canonicalKey(), statement.keyword(), statement.arguments());
                    // Check the value now, so that the error points at it even if a later level overrides it.
                    applyValue(ResourceOptions.builder(), setting);
                    scope.put(setting);
                }
            }
        }

        private static void applyValue(ResourceOptions.Builder builder, Setting setting) {
            BiConsumer<ResourceOptions.Builder, String> applier = APPLIERS.get(setting.canonicalKey());
            try {
                applier.accept(builder, setting.value());
            } catch (IllegalArgumentException e) {
                throw setting.valueToken().error(setting.keyToken().text() + ": " + e.getMessage(), e);
            }
        }

        private void warn(DrbdToken token, String message) {
            warnings.add(token.where() + ": " + message);
        }

        private static void requireBlock(DrbdStatement statement, int argumentCount) {
            if (!statement.hasBlock()) {
                throw statement.keyword().error("'" + statement.name() + "' needs a { ... } block");
            }
            if (statement.arguments().size() != argumentCount) {
                throw statement.keyword().error("'" + statement.name() + "' takes "
                        + (argumentCount == 0 ? "no argument" : argumentCount + " argument(s)") + " before '{', found "
                        + statement.arguments().size());
            }
        }

        private static void requireNoBlock(DrbdStatement statement) {
            if (statement.hasBlock()) {
                throw statement.keyword().error("'" + statement.name() + "' takes no { ... } block here");
            }
        }

        private static DrbdToken single(DrbdStatement statement, String usage) {
            if (statement.arguments().size() != 1) {
                throw statement.keyword().error(statement.name() + " needs one value: " + usage);
            }
            return statement.arguments().get(0);
        }

        private interface Parser<T> {
            T parse(String text);
        }

        private static <T> T parse(DrbdToken token, String key, Parser<T> parser) {
            return parse(token, key, parser, token.text());
        }

        private static <T> T parse(DrbdToken token, String key, Parser<T> parser, String text) {
            try {
                return parser.parse(text);
            } catch (IllegalArgumentException e) {
                throw token.error(key + ": " + e.getMessage(), e);
            }
        }

        DrbdImport finish() {
            List<ResourceDefinition> definitions = new ArrayList<>();
            for (ResourceDraft draft : resources.values()) {
                definitions.add(build(draft));
            }
            return new DrbdImport(definitions, warnings);
        }

        private ResourceDefinition build(ResourceDraft draft) {
            if (draft.hosts.size() != 2) {
                throw draft.keyword.error("resource " + draft.name + " has " + draft.hosts.size()
                        + " 'on' section(s): exactly 2 hosts are supported");
            }
            checkConnectionHosts(draft);
            List<ResourceHost> hosts = new ArrayList<>();
            for (HostDraft host : draft.hosts) {
                hosts.add(buildHost(draft, host));
            }
            ResourceOptions.Builder builder = ResourceOptions.builder();
            Map<String, Setting> effective = new LinkedHashMap<>();
            for (String key : APPLIERS.keySet()) {
                draft.connectionOptions.get(key)
                        .or(() -> draft.options.get(key))
                        .or(() -> common.get(key))
                        .ifPresent(setting -> effective.put(key, setting));
            }
            effective.values().forEach(setting -> applyValue(builder, setting));
            ResourceDefinition definition;
            try {
                definition = new ResourceDefinition(draft.name, hosts, builder.build());
            } catch (ResourceDefinitionException e) {
                throw positionOf(draft, e, effective).error(e.getMessage(), e);
            }
            ResourceOptions options = definition.options();
            // drbd.conf(5), timeout: "This must be lower than connect-int and ping-int."
            if (options.timeout().compareTo(options.connectInterval()) >= 0
                    || options.timeout().compareTo(options.pingInterval()) >= 0) {
                Setting timeout = effective.get("timeout");
                warn(timeout != null ? timeout.valueToken() : draft.keyword, "resource " + draft.name + ": timeout "
                        + options.timeout() + " should be lower than connect-int " + options.connectInterval()
                        + " and ping-int " + options.pingInterval() + " (drbd.conf)");
            }
            return definition;
        }

        private static void checkConnectionHosts(ResourceDraft draft) {
            if (draft.connectionToken == null) {
                return;
            }
            Set<String> onHosts = draft.hosts.stream().map(host -> host.name).collect(Collectors.toCollection(LinkedHashSet::new));
            List<String> named = draft.connectionHosts.stream().map(DrbdToken::text).toList();
            if (named.size() != 2 || !Set.copyOf(named).equals(onHosts)) {
                throw draft.connectionToken.error(draft.connectionToken.text() + " must name exactly the two hosts of resource "
                        + draft.name + " (on sections: " + String.join(", ", onHosts) + "; named: "
                        + (named.isEmpty() ? "none" : String.join(", ", named))
                        + "): DRBD 9 setups with more than two peers are not supported");
            }
        }

        private static ResourceHost buildHost(ResourceDraft draft, HostDraft host) {
            HostKeys own = host.keys;
            HostKeys defaults = draft.defaults;
            Located<String> disk = own.disk != null ? own.disk : defaults.disk;
            if (disk == null) {
                throw host.onToken.error("resource " + draft.name + ": host '" + host.name
                        + "' has no disk (set disk in 'on " + host.name + "' or in the resource)");
            }
            Located<ResourceDefinitionParsing.Address> address = draft.connectionAddresses.containsKey(host.name)
                    ? draft.connectionAddresses.get(host.name) : own.address;
            if (address == null) {
                throw host.onToken.error("resource " + draft.name + ": host '" + host.name + "' has no address");
            }
            Located<String> device = own.device != null ? own.device : defaults.device;
            Located<MetaDisk> metaDisk = own.metaDisk != null ? own.metaDisk : defaults.metaDisk;
            return new ResourceHost(host.name, disk.value(), Optional.ofNullable(device).map(Located::value),
                    address.value().host(), address.value().port(),
                    metaDisk != null ? metaDisk.value() : new MetaDisk.Internal(),
                    own.nodeId != null ? OptionalInt.of(own.nodeId.value()) : OptionalInt.empty());
        }

        /** The token that best shows where a {@link ResourceDefinitionException} comes from. */
        private static DrbdToken positionOf(ResourceDraft draft, ResourceDefinitionException e, Map<String, Setting> effective) {
            Setting setting = effective.get(e.field());
            if (setting != null) {
                return setting.valueToken();
            }
            if (e.field().equals("shared-secret") || e.field().equals("cram-hmac-alg")) {
                Setting other = effective.getOrDefault("shared-secret", effective.get("cram-hmac-alg"));
                if (other != null) {
                    return other.keyToken();
                }
            }
            Optional<HostDraft> host = e.hostName().flatMap(name -> draft.hosts.stream().filter(h -> h.name.equals(name)).findFirst());
            if (host.isEmpty()) {
                return draft.keyword;
            }
            HostKeys keys = host.get().keys;
            Located<?> located = switch (e.field()) {
                case "disk" -> keys.disk != null ? keys.disk : draft.defaults.disk;
                case "device" -> keys.device != null ? keys.device : draft.defaults.device;
                case "meta-disk" -> keys.metaDisk != null ? keys.metaDisk : draft.defaults.metaDisk;
                case "address", "port" -> draft.connectionAddresses.containsKey(host.get().name)
                        ? draft.connectionAddresses.get(host.get().name) : keys.address;
                case "node-id" -> keys.nodeId;
                default -> null;
            };
            return located != null ? located.token() : host.get().onToken;
        }
    }
}
