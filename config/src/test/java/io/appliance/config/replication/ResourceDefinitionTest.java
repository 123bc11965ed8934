package io.appliance.config.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ResourceDefinitionTest {

    private static ResourceHost host(String name, String address, int port) {
        return new ResourceHost(name, "/dev/vg/lv", Optional.of("/dev/drbd1"), address, port, new MetaDisk.Internal(),
                OptionalInt.empty());
    }

    private static ResourceDefinition definition(ResourceOptions options) {
        return new ResourceDefinition("r0", List.of(host("node1", "10.0.0.1", 7789), host("node2", "10.0.0.2", 7789)), options);
    }

    @Test
    void defaultsAreDocumentedValues() {
        ResourceOptions defaults = ResourceOptions.defaults();
        assertThat(defaults.protocol()).isEqualTo(ReplicationProtocol.C);
        assertThat(defaults.verifyAlg()).isEmpty();
        assertThat(defaults.csumsAlg()).isEmpty();
        assertThat(defaults.sharedSecret()).isEmpty();
        assertThat(defaults.cramHmacAlg()).isEmpty();
        assertThat(defaults.afterSb0Pri()).isEqualTo(AfterSb0Pri.DISCONNECT);
        assertThat(defaults.discardNode()).isEmpty();
        assertThat(defaults.afterSb1Pri()).isEqualTo(AfterSb1Pri.DISCONNECT);
        assertThat(defaults.afterSb2Pri()).isEqualTo(AfterSb2Pri.DISCONNECT);
        assertThat(defaults.fencing()).isEqualTo(FencingPolicy.DONT_CARE);
        assertThat(defaults.onIoError()).isEqualTo(OnIoError.DETACH);
        assertThat(defaults.resyncRateBytesPerSecond()).isEqualTo(100L * 1024 * 1024);
        assertThat(defaults.cMinRateBytesPerSecond()).isEqualTo(250L * 1024);
        assertThat(defaults.alExtents()).isEqualTo(1237);
        assertThat(defaults.allowTwoPrimaries()).isFalse();
        assertThat(defaults.connectInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.pingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.pingTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(defaults.maxDataPacketBytes()).isEqualTo(1024 * 1024);
        assertThat(definition(defaults).options()).isEqualTo(defaults);
    }

    @Test
    void builderChangesOnlyWhatIsSet() {
        ResourceOptions options = ResourceOptions.builder().protocol(ReplicationProtocol.A).verifyAlg(DigestAlgorithm.SHA256)
                .authentication(HmacAlgorithm.SHA1, "pair-secret").afterSb0PriDiscardNode("node2").build();
        assertThat(options.protocol()).isEqualTo(ReplicationProtocol.A);
        assertThat(options.verifyAlg()).contains(DigestAlgorithm.SHA256);
        assertThat(options.sharedSecret()).contains("pair-secret");
        assertThat(options.cramHmacAlg()).contains(HmacAlgorithm.SHA1);
        assertThat(options.afterSb0Pri()).isEqualTo(AfterSb0Pri.DISCARD_NODE);
        assertThat(options.discardNode()).contains("node2");
        assertThat(options.toBuilder().afterSb0Pri(AfterSb0Pri.DISCONNECT).build().discardNode()).isEmpty();
        assertThat(options.toBuilder().build()).isEqualTo(options);
        assertThat(options.alExtents()).isEqualTo(ResourceOptions.defaults().alExtents());
        assertThat(definition(options).options().discardNode()).contains("node2");
    }

    @Test
    void toStringNeverShowsTheSecret() {
        ResourceOptions options = ResourceOptions.builder().authentication(HmacAlgorithm.SHA256, "do-not-print-me").build();
        assertThat(options.toString()).doesNotContain("do-not-print-me").contains("sharedSecret=(set)");
        assertThat(definition(options).toString()).doesNotContain("do-not-print-me");
    }

    @Test
    void hostLookups() {
        ResourceDefinition definition = definition(ResourceOptions.defaults());
        assertThat(definition.host("node1")).map(ResourceHost::addressHost).contains("10.0.0.1");
        assertThat(definition.host("node3")).isEmpty();
        assertThat(definition.peerOf("node1").name()).isEqualTo("node2");
        assertThat(definition.peerOf("node2").name()).isEqualTo("node1");
        assertThatThrownBy(() -> definition.requireHost("node3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resource r0 has no 'on node3' section (hosts: node1, node2)");
        assertThatThrownBy(() -> definition.peerOf("node3")).hasMessageContaining("no 'on node3' section");
        assertThat(host("n", "fd00::1", 7000).addressAndPort()).isEqualTo("[fd00::1]:7000");
    }

    @Test
    void theHostListIsImmutable() {
        ResourceDefinition definition = definition(ResourceOptions.defaults());
        assertThatThrownBy(() -> definition.hosts().add(host("x", "10.0.0.3", 1)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static void assertRefused(String name, List<ResourceHost> hosts, ResourceOptions options, String field,
                                      String host, String message) {
        assertThatThrownBy(() -> new ResourceDefinition(name, hosts, options))
                .isInstanceOfSatisfying(ResourceDefinitionException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(message);
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.hostName()).isEqualTo(Optional.ofNullable(host));
                });
    }

    @Test
    void hostErrorsNameResourceHostAndField() {
        ResourceHost node1 = host("node1", "10.0.0.1", 7789);
        assertRefused("r0", List.of(node1, host("node3", "10.0.0.3", 70000)), ResourceOptions.defaults(), "port", "node3",
                "resource r0: host 'node3': port 70000 out of range 1..65535");
        assertRefused("r0", List.of(node1, host("node1", "10.0.0.3", 7789)), ResourceOptions.defaults(), "name", "node1",
                "resource r0: host 'node1': host name used twice");
        assertRefused("r0", List.of(node1, host("node2", "10.0.0.1", 7789)), ResourceOptions.defaults(), "address", "node2",
                "resource r0: host 'node2': address 10.0.0.1:7789 is also host 'node1''s address");
        assertRefused("r0", List.of(node1), ResourceOptions.defaults(), "hosts", null,
                "resource r0: exactly 2 hosts are required, found 1");
        assertRefused("r0", List.of(node1, host("node2", "10.0.0.2", 1), host("node3", "10.0.0.3", 1)),
                ResourceOptions.defaults(), "hosts", null, "resource r0: exactly 2 hosts are required, found 3");
        assertRefused("bad name", List.of(node1, host("node2", "10.0.0.2", 1)), ResourceOptions.defaults(), "name", null,
                "resource bad name: name must be 1 to 63 of A-Z a-z 0-9 _ . + -");
        ResourceHost relativeDisk = new ResourceHost("node2", "disk.img", Optional.empty(), "10.0.0.2", 7789,
                new MetaDisk.Internal(), OptionalInt.empty());
        assertRefused("r0", List.of(node1, relativeDisk), ResourceOptions.defaults(), "disk", "node2",
                "resource r0: host 'node2': disk 'disk.img' is neither an absolute path nor POOL/LV");
        ResourceHost poolDisk = new ResourceHost("node2", "pool0/r0", Optional.empty(), "10.0.0.2", 7789,
                new MetaDisk.External("/var/lib/r0.md"), OptionalInt.of(1));
        assertThat(new ResourceDefinition("r0", List.of(node1, poolDisk), ResourceOptions.defaults()).hosts().get(1).disk())
                .isEqualTo("pool0/r0");
        ResourceHost badNodeId = new ResourceHost("node2", "/dev/x", Optional.empty(), "10.0.0.2", 7789,
                new MetaDisk.Internal(), OptionalInt.of(32));
        assertRefused("r0", List.of(node1, badNodeId), ResourceOptions.defaults(), "node-id", "node2",
                "resource r0: host 'node2': node-id 32 out of range 0..31");
        ResourceHost metaOnDisk = new ResourceHost("node2", "/dev/x", Optional.empty(), "10.0.0.2", 7789,
                new MetaDisk.External("/dev/x"), OptionalInt.empty());
        assertRefused("r0", List.of(node1, metaOnDisk), ResourceOptions.defaults(), "meta-disk", "node2",
                "resource r0: host 'node2': meta-disk '/dev/x' is the backing disk itself: use meta-disk internal");
    }

    @Test
    void twoHostsMayShareAnAddressWithDifferentPorts() {
        ResourceDefinition definition = new ResourceDefinition("r0",
                List.of(host("node1", "127.0.0.1", 7789), host("node2", "127.0.0.1", 7790)), ResourceOptions.defaults());
        assertThat(definition.peerOf("node1").port()).isEqualTo(7790);
    }

    @Test
    void optionErrorsNameTheDrbdKey() {
        List<ResourceHost> hosts = List.of(host("node1", "10.0.0.1", 7789), host("node2", "10.0.0.2", 7789));
        ResourceOptions.Builder defaults = ResourceOptions.builder();
        assertRefused("r0", hosts, defaults.alExtents(6).build(), "al-extents", null,
                "resource r0: al-extents 6 out of range 7..65534");
        assertRefused("r0", hosts, ResourceOptions.builder().sharedSecret(Optional.of("s")).build(), "cram-hmac-alg", null,
                "resource r0: shared-secret and cram-hmac-alg must be set together (peer authentication needs both)");
        assertRefused("r0", hosts, ResourceOptions.builder().cramHmacAlg(Optional.of(HmacAlgorithm.SHA1)).build(),
                "shared-secret", null,
                "resource r0: shared-secret and cram-hmac-alg must be set together (peer authentication needs both)");
        assertRefused("r0", hosts, ResourceOptions.builder().authentication(HmacAlgorithm.SHA1, "x".repeat(65)).build(),
                "shared-secret", null, "resource r0: shared-secret must be 1 to 64 characters, has 65");
        assertRefused("r0", hosts, ResourceOptions.builder().afterSb0PriDiscardNode("node9").build(), "after-sb-0pri", null,
                "resource r0: after-sb-0pri discard-node-node9 names no host (hosts: node1, node2)");
        assertRefused("r0", hosts, ResourceOptions.builder().discardNode(Optional.of("node1")).build(), "after-sb-0pri", null,
                "resource r0: after-sb-0pri discard-node needs a node name (discard-node-NODENAME), and only it has one");
        assertRefused("r0", hosts, ResourceOptions.builder().resyncRateBytesPerSecond(0).build(), "resync-rate", null,
                "resource r0: resync-rate 0 bytes/s out of range 1024..4294967296 bytes/s");
        assertRefused("r0", hosts, ResourceOptions.builder().cMinRateBytesPerSecond(-1).build(), "c-min-rate", null,
                "resource r0: c-min-rate -1 bytes/s out of range 0..4294967296 bytes/s");
        assertRefused("r0", hosts, ResourceOptions.builder().maxDataPacketBytes(4097).build(), "max-data-packet", null,
                "resource r0: max-data-packet 4097 is not a multiple of 512 bytes");
        assertRefused("r0", hosts, ResourceOptions.builder().pingTimeout(Duration.ofMillis(50)).build(), "ping-timeout", null,
                "resource r0: ping-timeout PT0.05S out of range PT0.1S..PT30S");
        assertRefused("r0", hosts, ResourceOptions.builder().connectInterval(Duration.ofMinutes(3)).build(), "connect-int",
                null, "resource r0: connect-int PT3M out of range PT1S..PT2M");
        assertRefused("r0", hosts, ResourceOptions.builder().timeout(Duration.ofSeconds(61)).build(), "timeout", null,
                "resource r0: timeout PT1M1S out of range PT0.1S..PT1M");
    }

    @Test
    void nullsAreRefusedByName() {
        assertThatThrownBy(() -> ResourceOptions.builder().protocol(null).build())
                .isInstanceOf(NullPointerException.class).hasMessage("protocol");
        assertThatThrownBy(() -> new MetaDisk.External(null)).isInstanceOf(NullPointerException.class);
    }
}
