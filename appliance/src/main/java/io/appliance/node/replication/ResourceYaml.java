package io.appliance.node.replication;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.appliance.config.replication.MetaDisk;
import io.appliance.config.replication.ResourceDefinition;
import io.appliance.config.replication.ResourceHost;
import io.appliance.config.replication.ResourceOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes resource definitions as the node configuration's {@code replication:} section (what
 * {@code appliance replication import-res} prints), every option spelled out with DRBD's key so
 * that the operator sees what the imported file means.
 */
public final class ResourceYaml {

    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private ResourceYaml() {
    }

    public static String render(List<ResourceDefinition> resources) {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("resources", resources.stream().map(ResourceYaml::resource).toList());
        try {
            return YAML.writeValueAsString(Map.of("replication", section));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> resource(ResourceDefinition definition) {
        ResourceOptions options = definition.options();
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("name", definition.name());
        resource.put("protocol", options.protocol().drbdName());
        options.verifyAlg().ifPresent(alg -> resource.put("verify-alg", alg.drbdName()));
        options.csumsAlg().ifPresent(alg -> resource.put("csums-alg", alg.drbdName()));
        options.sharedSecret().ifPresent(secret -> resource.put("shared-secret", secret));
        options.cramHmacAlg().ifPresent(alg -> resource.put("cram-hmac-alg", alg.drbdName()));
        resource.put("after-sb-0pri", options.discardNode().isPresent()
                ? ResourceConfiguration.DISCARD_NODE_PREFIX + options.discardNode().get() : options.afterSb0Pri().drbdName());
        resource.put("after-sb-1pri", options.afterSb1Pri().drbdName());
        resource.put("after-sb-2pri", options.afterSb2Pri().drbdName());
        resource.put("fencing", options.fencing().drbdName());
        resource.put("on-io-error", options.onIoError().drbdName());
        resource.put("resync-rate", size(options.resyncRateBytesPerSecond()));
        resource.put("c-min-rate", size(options.cMinRateBytesPerSecond()));
        resource.put("al-extents", options.alExtents());
        resource.put("allow-two-primaries", options.allowTwoPrimaries());
        resource.put("connect-int", duration(options.connectInterval()));
        resource.put("ping-int", duration(options.pingInterval()));
        resource.put("ping-timeout", duration(options.pingTimeout()));
        resource.put("timeout", duration(options.timeout()));
        resource.put("hosts", definition.hosts().stream().map(ResourceYaml::host).toList());
        return resource;
    }

    private static Map<String, Object> host(ResourceHost host) {
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("name", host.name());
        yaml.put("disk", host.disk());
        String address = host.addressHost().contains(":") ? "[" + host.addressHost() + "]" : host.addressHost();
        yaml.put("address", address + ":" + host.port());
        yaml.put("meta-disk", host.metaDisk() instanceof MetaDisk.External external ? external.path() : "internal");
        host.device().ifPresent(device -> yaml.put("device", device));
        host.nodeId().ifPresent(id -> yaml.put("node-id", id));
        return yaml;
    }

    static String size(long bytes) {
        if (bytes != 0 && bytes % MIB == 0) {
            return bytes / MIB + "MiB";
        }
        if (bytes != 0 && bytes % KIB == 0) {
            return bytes / KIB + "KiB";
        }
        return Long.toString(bytes);
    }

    static String duration(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
