package io.appliance.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.replication.AfterSb0Pri;
import io.appliance.config.replication.AfterSb1Pri;
import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.config.replication.FencingPolicy;
import io.appliance.config.replication.HmacAlgorithm;
import io.appliance.config.replication.MetaDisk;
import io.appliance.config.replication.OnIoError;
import io.appliance.config.replication.ReplicationProtocol;
import io.appliance.config.replication.ResourceDefinition;
import io.appliance.config.replication.ResourceOptions;
import io.appliance.node.config.ApplianceConfiguration;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationConfigurationTest {

    private static final Path STATE = Path.of("/srv/appliance");
    private final ConfigurationFactory<ApplianceConfiguration> factory = new DefaultConfigurationFactoryFactory<ApplianceConfiguration>()
            .create(ApplianceConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

    static final String FULL = """
            replication:
              autoUp: false
              resFiles: [/etc/drbd.d/r9.res]
              resources:
                - name: r0
                  protocol: A
                  verify-alg: sha256
                  csums-alg: crc32c
                  shared-secret: "s3cret-of-the-pair"
                  cram-hmac-alg: sha1
                  after-sb-0pri: discard-least-changes
                  after-sb-1pri: discard-secondary
                  after-sb-2pri: disconnect
                  fencing: resource-only
                  on-io-error: detach
                  resync-rate: 40MiB
                  c-min-rate: 4MiB
                  al-extents: 257
                  allow-two-primaries: false
                  connect-int: 2s
                  ping-int: 3s
                  ping-timeout: 700ms
                  timeout: 1s
                  hosts:
                    - name: node1
                      disk: disks/r0.img
                      size: 64MiB
                      address: 10.99.0.1:7789
                      meta-disk: internal
                    - name: node2
                      disk: /dev/vdb
                      address: "[fd00::2]:7790"
                      meta-disk: meta/r0.md
                      device: /dev/drbd1
                      node-id: 1
            """;

    static final String MINIMAL = """
            replication:
              resources:
                - name: r1
                  hosts:
                    - {name: node1, disk: /data/r1.img, address: "127.0.0.1:7001"}
                    - {name: node2, disk: /data/r1.img, address: "127.0.0.2:7001"}
            """;

    @Test
    void everyDrbdKeyIsRead() throws Exception {
        ReplicationConfiguration replication = parse(FULL).getReplication();

        assertThat(replication.isAutoUp()).isFalse();
        assertThat(replication.getResFiles()).containsExactly(Path.of("/etc/drbd.d/r9.res"));
        List<ConfiguredResource> resources = replication.definitions(STATE, pool -> false);
        assertThat(resources).hasSize(1);
        ResourceDefinition r0 = resources.get(0).definition();
        assertThat(r0.name()).isEqualTo("r0");
        ResourceOptions options = r0.options();
        assertThat(options.protocol()).isEqualTo(ReplicationProtocol.A);
        assertThat(options.verifyAlg()).contains(DigestAlgorithm.SHA256);
        assertThat(options.csumsAlg()).contains(DigestAlgorithm.CRC32C);
        assertThat(options.sharedSecret()).contains("s3cret-of-the-pair");
        assertThat(options.cramHmacAlg()).contains(HmacAlgorithm.SHA1);
        assertThat(options.afterSb0Pri()).isEqualTo(AfterSb0Pri.DISCARD_LEAST_CHANGES);
        assertThat(options.afterSb1Pri()).isEqualTo(AfterSb1Pri.DISCARD_SECONDARY);
        assertThat(options.fencing()).isEqualTo(FencingPolicy.RESOURCE_ONLY);
        assertThat(options.onIoError()).isEqualTo(OnIoError.DETACH);
        assertThat(options.resyncRateBytesPerSecond()).isEqualTo(40L << 20);
        assertThat(options.cMinRateBytesPerSecond()).isEqualTo(4L << 20);
        assertThat(options.alExtents()).isEqualTo(257);
        assertThat(options.connectInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.pingInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.pingTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(1));

        var node1 = r0.requireHost("node1");
        assertThat(node1.disk()).isEqualTo("/srv/appliance/disks/r0.img");
        assertThat(node1.addressHost()).isEqualTo("10.99.0.1");
        assertThat(node1.port()).isEqualTo(7789);
        assertThat(node1.metaDisk()).isInstanceOf(MetaDisk.Internal.class);
        var node2 = r0.requireHost("node2");
        assertThat(node2.disk()).isEqualTo("/dev/vdb");
        assertThat(node2.addressHost()).isEqualTo("fd00::2");
        assertThat(node2.port()).isEqualTo(7790);
        assertThat(node2.metaDisk()).isEqualTo(new MetaDisk.External("/srv/appliance/meta/r0.md"));
        assertThat(node2.device()).contains("/dev/drbd1");
        assertThat(node2.nodeId()).hasValue(1);
        assertThat(resources.get(0).createSizes()).containsExactly(java.util.Map.entry("node1", 64L << 20));
    }

    @Test
    void absentOptionsTakeTheDefaults() throws Exception {
        ReplicationConfiguration replication = parse(MINIMAL).getReplication();

        assertThat(replication.isAutoUp()).isTrue();
        ResourceDefinition r1 = replication.definitions(STATE, pool -> false).get(0).definition();
        assertThat(r1.options()).isEqualTo(ResourceOptions.defaults());
        assertThat(r1.requireHost("node1").disk()).isEqualTo("/data/r1.img");
    }

    @Test
    void anEmptyFileHasNoResources() throws Exception {
        ReplicationConfiguration replication = parse("nodeName: node1\n").getReplication();

        assertThat(replication.isAutoUp()).isTrue();
        assertThat(replication.definitions(STATE, pool -> false)).isEmpty();
    }

    @Test
    void aDiskNamingOneOfThisNodesPoolsIsAVolume() throws Exception {
        String yaml = MINIMAL.replace("disk: /data/r1.img, address: \"127.0.0.1", "disk: vg0/r1, address: \"127.0.0.1");
        ReplicationConfiguration replication = parse(yaml).getReplication();

        assertThat(replication.definitions(STATE, "vg0"::equals).get(0).definition().requireHost("node1").disk())
                .isEqualTo("vg0/r1");
        assertThat(replication.definitions(STATE, pool -> false).get(0).definition().requireHost("node1").disk())
                .isEqualTo("/srv/appliance/vg0/r1");
    }

    @Test
    void discardNodeKeepsTheNodeName() throws Exception {
        String yaml = MINIMAL.replace("  - name: r1\n", "  - name: r1\n      after-sb-0pri: discard-node-node2\n");
        ResourceOptions options = parse(yaml).getReplication().definitions(STATE, pool -> false).get(0).definition().options();

        assertThat(options.afterSb0Pri()).isEqualTo(AfterSb0Pri.DISCARD_NODE);
        assertThat(options.discardNode()).contains("node2");
    }

    @Test
    void eachBadValueIsNamedByItsPath() {
        assertRefused("protocol: D", "replication.resources[0].protocol: D is not one of A, B, C");
        assertRefused("verify-alg: sha512", "replication.resources[0].verify-alg: sha512 is not one of");
        assertRefused("csums-alg: rot13", "replication.resources[0].csums-alg: rot13 is not one of");
        assertRefused("cram-hmac-alg: sha1", "replication.resources[0].shared-secret: is required with cram-hmac-alg");
        assertRefused("shared-secret: x", "replication.resources[0].cram-hmac-alg: is required with shared-secret");
        assertRefused("after-sb-0pri: flip-a-coin", "replication.resources[0].after-sb-0pri: flip-a-coin is not one of");
        assertRefused("after-sb-1pri: nope", "replication.resources[0].after-sb-1pri: nope is not one of");
        assertRefused("after-sb-2pri: nope", "replication.resources[0].after-sb-2pri: nope is not one of");
        assertRefused("fencing: maybe", "replication.resources[0].fencing: maybe is not one of");
        assertRefused("on-io-error: ignore", "replication.resources[0].on-io-error: ignore is not one of");
        assertRefused("resync-rate: fast", "replication.resources[0].resync-rate: fast is not a size");
        assertRefused("c-min-rate: 200MiB", "replication.resources[0].c-min-rate: 200MiB is more than resync-rate");
        assertRefused("al-extents: 3", "replication.resources[0].al-extents: 3 is not in 7..65534");
        assertRefused("connect-int: soon", "replication.resources[0].connect-int: soon is not a duration");
        assertRefused("ping-int: 0s", "replication.resources[0].ping-int: 0s must be more than 0");
        assertRefused("ping-timeout: later", "replication.resources[0].ping-timeout: later is not a duration");
        assertRefused("timeout: never", "replication.resources[0].timeout: never is not a duration");
        assertRefused("after-sb-0pri: discard-node-node3", "replication.resources[0]:");
    }

    @Test
    void badHostsAreNamedByTheirPath() {
        assertThatThrownBy(() -> parse(MINIMAL.replace("127.0.0.2:7001", "127.0.0.2:70000")))
                .hasMessageContaining("replication.resources[0].hosts[1].address: 127.0.0.2:70000 is not IP:PORT");
        assertThatThrownBy(() -> parse(MINIMAL.replace("127.0.0.2:7001", "127.0.0.2")))
                .hasMessageContaining("replication.resources[0].hosts[1].address");
        assertThatThrownBy(() -> parse(MINIMAL.replace("{name: node1, disk: /data/r1.img,", "{name: node1,")))
                .hasMessageContaining("replication.resources[0].hosts[0].disk: is required");
        assertThatThrownBy(() -> parse(MINIMAL.replace("{name: node1, disk: /data/r1.img,", "{name: node1, disk: /d, size: lots,")))
                .hasMessageContaining("replication.resources[0].hosts[0].size: lots is not a size");
        assertThatThrownBy(() -> parse(MINIMAL.replace("    - {name: node2, disk: /data/r1.img, address: \"127.0.0.2:7001\"}\n", "")))
                .hasMessageContaining("replication.resources[0].hosts: a resource needs exactly 2 hosts, found 1");
        assertThatThrownBy(() -> parse(MINIMAL.replace("name: r1", "name: \"r 1\"")))
                .hasMessageContaining("replication.resources[0].name: 'r 1' is not 1..63 letters");
        assertThatThrownBy(() -> parse(MINIMAL.replace("- name: r1", "- name: r1\n      verfy-alg: sha1")))
                .hasMessageContaining("verfy-alg");
    }

    @Test
    void aResourceDefinedTwiceIsRefused() {
        String twice = MINIMAL + MINIMAL.substring(MINIMAL.indexOf("    - name: r1"));
        assertThatThrownBy(() -> parse(twice)).hasMessageContaining("replication.resources[1].name: resource r1 is defined twice");
    }

    private void assertRefused(String option, String message) {
        String yaml = MINIMAL.replace("  - name: r1\n", "  - name: r1\n      " + option + "\n");
        assertThatThrownBy(() -> parse(yaml)).as(option).hasMessageContaining(message);
    }

    private ApplianceConfiguration parse(String yaml) throws Exception {
        ConfigurationSourceProvider source = path -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));
        return factory.build(source, "test.yml");
    }
}
