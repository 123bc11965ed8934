package io.appliance.node.replication;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.appliance.config.replication.AfterSb0Pri;
import io.appliance.config.replication.AfterSb1Pri;
import io.appliance.config.replication.AfterSb2Pri;
import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.config.replication.FencingPolicy;
import io.appliance.config.replication.HmacAlgorithm;
import io.appliance.config.replication.OnIoError;
import io.appliance.config.replication.ReplicationProtocol;
import io.appliance.config.replication.ResourceDefinition;
import io.appliance.config.replication.ResourceHost;
import io.appliance.config.replication.ResourceOptions;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One resource of the {@code replication} section, with DRBD's key names. Values are kept as the
 * file wrote them and checked by {@link #toDefinition}, so that each error names its key.
 * Absent options take {@link ResourceOptions#defaults()}.
 *
 * @param name              resource name, {@code [A-Za-z0-9_.+-]{1,63}}
 * @param protocol          {@code A}, {@code B} or {@code C}
 * @param verifyAlg         {@code verify-alg}: sha1, sha256, crc32c, md5
 * @param csumsAlg          {@code csums-alg}: checksum-based resync with this digest
 * @param sharedSecret      {@code shared-secret}, with {@code cram-hmac-alg}
 * @param cramHmacAlg       {@code cram-hmac-alg}: sha1, sha256, md5
 * @param afterSb0Pri       {@code after-sb-0pri}, including {@code discard-node-NODENAME}
 * @param afterSb1Pri       {@code after-sb-1pri}
 * @param afterSb2Pri       {@code after-sb-2pri}
 * @param fencing           {@code dont-care}, {@code resource-only}, {@code resource-and-stonith}
 * @param onIoError         {@code on-io-error}: {@code detach}, {@code pass_on}, {@code call-local-io-error}
 * @param resyncRate        {@code resync-rate}, bytes per second as a size ({@code 100MiB})
 * @param cMinRate          {@code c-min-rate}, the resync rate floor
 * @param alExtents         {@code al-extents}, 7..65534
 * @param allowTwoPrimaries {@code allow-two-primaries}
 * @param connectInt        {@code connect-int}, a duration ({@code 10s})
 * @param pingInt           {@code ping-int}
 * @param pingTimeout       {@code ping-timeout}
 * @param timeout           {@code timeout}
 * @param hosts             exactly two {@code on} sections
 */
public record ResourceConfiguration(
        @JsonProperty("name") String name,
        @JsonProperty("protocol") String protocol,
        @JsonProperty("verify-alg") String verifyAlg,
        @JsonProperty("csums-alg") String csumsAlg,
        @JsonProperty("shared-secret") String sharedSecret,
        @JsonProperty("cram-hmac-alg") String cramHmacAlg,
        @JsonProperty("after-sb-0pri") String afterSb0Pri,
        @JsonProperty("after-sb-1pri") String afterSb1Pri,
        @JsonProperty("after-sb-2pri") String afterSb2Pri,
        @JsonProperty("fencing") String fencing,
        @JsonProperty("on-io-error") String onIoError,
        @JsonProperty("resync-rate") String resyncRate,
        @JsonProperty("c-min-rate") String cMinRate,
        @JsonProperty("al-extents") Integer alExtents,
        @JsonProperty("allow-two-primaries") Boolean allowTwoPrimaries,
        @JsonProperty("connect-int") String connectInt,
        @JsonProperty("ping-int") String pingInt,
        @JsonProperty("ping-timeout") String pingTimeout,
        @JsonProperty("timeout") String timeout,
        @JsonProperty("hosts") List<HostConfiguration> hosts) {

    static final String DISCARD_NODE_PREFIX = "discard-node-";
    static final int MIN_AL_EXTENTS = 7;
    static final int MAX_AL_EXTENTS = 65534;

    /**
     * The typed definition, or empty with the problems added to {@code problems}.
     *
     * @param path the key path of this resource in the file, e.g. {@code replication.resources[0]}
     */
    Optional<ConfiguredResource> toDefinition(String path, Path stateDirectory, Predicate<String> isPool,
            List<String> problems) {
        int before = problems.size();
        if (name == null || !name.matches("[A-Za-z0-9_.+-]{1,63}")) {
            problems.add(path + ".name: " + (name == null ? "is required" : "'" + name + "' is not 1..63 letters, digits,"
                    + " '_', '.', '+' or '-'"));
        }
        ResourceOptions defaults = ResourceOptions.defaults();
        ReplicationProtocol protocolValue = enumValue(path + ".protocol", protocol, ReplicationProtocol.values(),
                ReplicationProtocol::drbdName, defaults.protocol(), problems);
        Optional<DigestAlgorithm> verify = optionalEnum(path + ".verify-alg", verifyAlg, DigestAlgorithm.values(),
                DigestAlgorithm::drbdName, problems);
        Optional<DigestAlgorithm> csums = optionalEnum(path + ".csums-alg", csumsAlg, DigestAlgorithm.values(),
                DigestAlgorithm::drbdName, problems);
        Optional<HmacAlgorithm> hmac = optionalEnum(path + ".cram-hmac-alg", cramHmacAlg, HmacAlgorithm.values(),
                HmacAlgorithm::drbdName, problems);
        if ((sharedSecret == null) != hmac.isEmpty()) {
            problems.add(path + (sharedSecret == null ? ".shared-secret: is required with cram-hmac-alg"
                    : ".cram-hmac-alg: is required with shared-secret (sha1, sha256 or md5)"));
        }
        Optional<String> discardNode = Optional.empty();
        AfterSb0Pri sb0;
        if (afterSb0Pri != null && afterSb0Pri.startsWith(DISCARD_NODE_PREFIX)) {
            sb0 = AfterSb0Pri.DISCARD_NODE;
            discardNode = Optional.of(afterSb0Pri.substring(DISCARD_NODE_PREFIX.length()));
        } else {
            sb0 = enumValue(path + ".after-sb-0pri", afterSb0Pri, AfterSb0Pri.values(), AfterSb0Pri::drbdName,
                    defaults.afterSb0Pri(), problems);
        }
        AfterSb1Pri sb1 = enumValue(path + ".after-sb-1pri", afterSb1Pri, AfterSb1Pri.values(), AfterSb1Pri::drbdName,
                defaults.afterSb1Pri(), problems);
        AfterSb2Pri sb2 = enumValue(path + ".after-sb-2pri", afterSb2Pri, AfterSb2Pri.values(), AfterSb2Pri::drbdName,
                defaults.afterSb2Pri(), problems);
        FencingPolicy fencingValue = enumValue(path + ".fencing", fencing, FencingPolicy.values(), FencingPolicy::drbdName,
                defaults.fencing(), problems);
        OnIoError ioError = enumValue(path + ".on-io-error", onIoError, OnIoError.values(), OnIoError::drbdName,
                defaults.onIoError(), problems);
        long rate = size(path + ".resync-rate", resyncRate, defaults.resyncRateBytesPerSecond(), problems);
        long minRate = size(path + ".c-min-rate", cMinRate, defaults.cMinRateBytesPerSecond(), problems);
        if (rate <= 0) {
            problems.add(path + ".resync-rate: must be more than 0 bytes per second");
        } else if (minRate > rate) {
            problems.add(path + ".c-min-rate: " + cMinRate + " is more than resync-rate");
        }
        int extents = alExtents == null ? defaults.alExtents() : alExtents;
        if (extents < MIN_AL_EXTENTS || extents > MAX_AL_EXTENTS) {
            problems.add(path + ".al-extents: " + extents + " is not in " + MIN_AL_EXTENTS + ".." + MAX_AL_EXTENTS);
        }
        java.time.Duration connect = duration(path + ".connect-int", connectInt, defaults.connectInterval(), problems);
        java.time.Duration ping = duration(path + ".ping-int", pingInt, defaults.pingInterval(), problems);
        java.time.Duration pingWait = duration(path + ".ping-timeout", pingTimeout, defaults.pingTimeout(), problems);
        java.time.Duration answerWait = duration(path + ".timeout", timeout, defaults.timeout(), problems);

        List<ResourceHost> hostDefinitions = new ArrayList<>();
        Map<String, Long> createSizes = new HashMap<>();
        List<HostConfiguration> hostList = hosts == null ? List.of() : hosts;
        if (hostList.size() != 2) {
            problems.add(path + ".hosts: a resource needs exactly 2 hosts, found " + hostList.size());
        }
        for (int i = 0; i < hostList.size(); i++) {
            HostConfiguration host = hostList.get(i);
            String hostPath = path + ".hosts[" + i + "]";
            if (host == null) {
                problems.add(hostPath + ": must not be null");
                continue;
            }
            host.toHost(hostPath, stateDirectory, isPool, problems).ifPresent(converted -> {
                hostDefinitions.add(converted);
                host.createSize(hostPath, problems).ifPresent(bytes -> createSizes.put(converted.name(), bytes));
            });
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        try {
            ResourceOptions options = defaults.toBuilder()
                    .protocol(protocolValue)
                    .verifyAlg(verify)
                    .csumsAlg(csums)
                    .sharedSecret(Optional.ofNullable(sharedSecret))
                    .cramHmacAlg(hmac)
                    .afterSb0Pri(sb0)
                    .discardNode(discardNode)
                    .afterSb1Pri(sb1)
                    .afterSb2Pri(sb2)
                    .fencing(fencingValue)
                    .onIoError(ioError)
                    .resyncRateBytesPerSecond(rate)
                    .cMinRateBytesPerSecond(minRate)
                    .alExtents(extents)
                    .allowTwoPrimaries(allowTwoPrimaries == null ? defaults.allowTwoPrimaries() : allowTwoPrimaries)
                    .connectInterval(connect)
                    .pingInterval(ping)
                    .pingTimeout(pingWait)
                    .timeout(answerWait)
                    .build();
            return Optional.of(new ConfiguredResource(new ResourceDefinition(name, hostDefinitions, options), createSizes));
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The constant whose DRBD spelling is {@code text} (any case); {@code fallback} when absent. */
    static <E extends Enum<E>> E enumValue(String path, String text, E[] constants, Function<E, String> drbdName,
            E fallback, List<String> problems) {
        return optionalEnum(path, text, constants, drbdName, problems).orElse(fallback);
    }

    static <E extends Enum<E>> Optional<E> optionalEnum(String path, String text, E[] constants,
            Function<E, String> drbdName, List<String> problems) {
        if (text == null) {
            return Optional.empty();
        }
        for (E constant : constants) {
            if (drbdName.apply(constant).equalsIgnoreCase(text.strip())) {
                return Optional.of(constant);
            }
        }
        String valid = Arrays.stream(constants).map(drbdName).collect(Collectors.joining(", "));
        problems.add(path + ": " + text + " is not one of " + valid);
        return Optional.empty();
    }

    static long size(String path, String text, long fallback, List<String> problems) {
        if (text == null) {
            return fallback;
        }
        try {
            String trimmed = text.strip();
            return !trimmed.isEmpty() && trimmed.chars().allMatch(Character::isDigit)
                    ? Long.parseLong(trimmed) : DataSize.parse(trimmed).toBytes();
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + text + " is not a size (write e.g. 100MiB, 4MiB or bytes)");
            return fallback;
        }
    }

    static java.time.Duration duration(String path, String text, java.time.Duration fallback, List<String> problems) {
        if (text == null) {
            return fallback;
        }
        try {
            java.time.Duration value = Duration.parse(text.strip()).toJavaDuration();
            if (value.isZero() || value.isNegative()) {
                problems.add(path + ": " + text + " must be more than 0");
                return fallback;
            }
            return value;
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + text + " is not a duration (write e.g. 10s or 500ms)");
            return fallback;
        }
    }
}
