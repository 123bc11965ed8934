package io.appliance.config.cluster.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.cluster.AuthMethod;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterTransportKind;
import io.appliance.config.cluster.GroupDefinition;
import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.QuorumMode;
import io.appliance.config.cluster.ResourceConfiguration;
import io.appliance.config.cluster.Score;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeartbeatImporterTest {

    private static final String EXAMPLES = "/io/appliance/config/examples/heartbeat/";
    private static final String AUTHKEYS = "auth 1\n1 sha1 7f3c9e2a41d8b06e5c1f\n";
    private static final String HA_CF = "keepalive 2\ndeadtime 30\nwarntime 10\ninitdead 120\nnode node1 node2\n";

    private static String example(String name) throws IOException {
        try (InputStream in = HeartbeatImporterTest.class.getResourceAsStream(EXAMPLES + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void importsTheCentosExample() throws IOException {
        HeartbeatImport imported = HeartbeatImporter.importText(example("ha.cf"), example("haresources"),
                example("authkeys"));
        ClusterDefinition definition = imported.definition();
        assertThat(definition.name()).isEqualTo("heartbeat");
        assertThat(definition.port()).isEqualTo(694);
        assertThat(definition.transport()).isEqualTo(ClusterTransportKind.TCP);
        assertThat(definition.timing().keepalive()).isEqualTo(Duration.ofSeconds(2));
        assertThat(definition.timing().warntime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(definition.timing().deadtime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(definition.timing().initdead()).isEqualTo(Duration.ofSeconds(120));
        assertThat(definition.authKey().method()).isEqualTo(AuthMethod.SHA1);
        assertThat(definition.authKey().secret()).isEqualTo("7f3c9e2a41d8b06e5c1f");
        assertThat(definition.quorum().mode()).isEqualTo(QuorumMode.MAJORITY);
        assertThat(definition.fencing().enabled()).isTrue();
        assertThat(definition.fencing().watchdogTimeout()).isEqualTo(Duration.ofSeconds(34));
        assertThat(definition.nodes()).extracting(ClusterNodeDefinition::name).containsExactly("node1", "node2");
        assertThat(definition.nodes()).allSatisfy(node -> {
            assertThat(node.role()).isEqualTo(NodeRole.STORAGE);
            assertThat(node.votes()).isEqualTo(1);
            assertThat(node.addresses()).as("one ucast for two nodes: owner unknown").isEmpty();
        });

        ResourceConfiguration resources = definition.resources();
        assertThat(resources.properties().resourceStickiness()).isEqualTo(Score.of(1000));
        assertThat(resources.groups()).containsExactly(new GroupDefinition("group_1",
                java.util.List.of("ipaddr_1_1", "drbddisk_1_2", "filesystem_1_3", "httpd_1_4"),
                io.appliance.config.cluster.ResourceMeta.empty()));
        assertThat(resources.locations()).containsExactly(
                new LocationConstraint("loc-group_1", "group_1", "node1", Score.of(100)));
        assertThat(resources.primitives()).extracting(PrimitiveDefinition::type)
                .containsExactly("IPaddr2", "replicated-disk", "Filesystem", "lsb:httpd");
        assertThat(resources.primitive("ipaddr_1_1").orElseThrow().params())
                .isEqualTo(Map.of("ip", "10.0.0.100", "cidr_netmask", "24", "nic", "eth0"));
        assertThat(resources.primitive("drbddisk_1_2").orElseThrow().params()).isEqualTo(Map.of("resource", "r0"));
        assertThat(resources.primitive("filesystem_1_3").orElseThrow().params())
                .isEqualTo(Map.of("device", "/dev/drbd1", "directory", "/data", "fstype", "ext4"));
        assertThat(resources.primitive("httpd_1_4").orElseThrow().operation("monitor").orElseThrow().interval())
                .isEqualTo(Duration.ofSeconds(10));

        assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).startsWith("ha.cf:3: logfacility: ignored"));
        assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).startsWith("ha.cf:10: ucast eth1: 1 address(es)"
                + " for 2 nodes").contains("give cluster.nodes[].addresses"));
        assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).contains("two nodes: quorum needs both votes"));
        assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).contains("no fence device imported"));
    }

    @Test
    void importsTheExampleFilesAndWarnsAboutAReadableAuthkeys(@TempDir Path directory) throws IOException {
        Path haCf = Files.writeString(directory.resolve("ha.cf"), example("ha.cf"));
        Path haresources = Files.writeString(directory.resolve("haresources"), example("haresources"));
        Path authkeys = Files.writeString(directory.resolve("authkeys"), example("authkeys"));
        Files.setPosixFilePermissions(authkeys, PosixFilePermissions.fromString("rw-------"));
        HeartbeatImport strict = HeartbeatImporter.importFiles(haCf, Optional.of(haresources), Optional.of(authkeys));
        assertThat(strict.definition().resources().primitives()).hasSize(4);
        assertThat(strict.warnings()).noneSatisfy(w -> assertThat(w).contains("mode"));

        Files.setPosixFilePermissions(authkeys, PosixFilePermissions.fromString("rw-r--r--"));
        HeartbeatImport loose = HeartbeatImporter.importFiles(haCf, Optional.empty(), Optional.of(authkeys));
        assertThat(loose.definition().resources().primitives()).isEmpty();
        assertThat(loose.warnings()).first().asString().isEqualTo(authkeys + ":0: mode 0644 lets other users read the"
                + " secret; Heartbeat wants 0600 (chmod 600 " + authkeys + ")");

        assertThatThrownBy(() -> HeartbeatImporter.importFiles(directory.resolve("missing.cf"), Optional.empty(),
                Optional.of(authkeys))).isInstanceOf(HeartbeatConfigException.class)
                .hasMessageStartingWith(directory.resolve("missing.cf") + ":0: cannot read");
    }

    @Test
    void ucastPerNodeGivesAddressesInNodeOrder() {
        String haCf = HA_CF + "udpport 7800\nucast eth1 10.0.0.1\nucast eth1 10.0.0.2\nucast eth2 192.168.0.1\n"
                + "ucast eth2 192.168.0.2\nucast eth3 10.9.0.1\nucast eth3 10.9.0.2\nauto_failback on\n";
        HeartbeatImport imported = HeartbeatImporter.importText(haCf, "node2 10.0.0.100\n", AUTHKEYS);
        ClusterDefinition definition = imported.definition();
        assertThat(definition.node("node1").orElseThrow().addresses()).containsExactly("10.0.0.1", "192.168.0.1");
        assertThat(definition.node("node2").orElseThrow().addresses()).containsExactly("10.0.0.2", "192.168.0.2");
        assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).startsWith("ha.cf:11: ucast eth3: ignored"));
        assertThat(definition.resources().properties().resourceStickiness()).isEqualTo(Score.ZERO);
        assertThat(definition.resources().primitive("ipaddr_1_1").orElseThrow().params())
                .isEqualTo(Map.of("ip", "10.0.0.100"));
        assertThat(definition.resources().locations().get(0).node()).isEqualTo("node2");
    }

    @Test
    void bcastMeansUdpAndContinuationLinesJoin() {
        String haresources = "# two groups\nnode1 IPaddr2::10.0.0.100/255.255.255.0/eth0/10.0.0.255 \\\n"
                + "   drbddisk::r0   # the disk\nnode2 Filesystem::/dev/drbd2::/srv::xfs::noatime mysqld\n";
        HeartbeatImport imported = HeartbeatImporter.importText(HA_CF + "bcast eth1\n", haresources, AUTHKEYS);
        ClusterDefinition definition = imported.definition();
        assertThat(definition.transport()).isEqualTo(ClusterTransportKind.UDP);
        assertThat(definition.port()).isEqualTo(ClusterDefinition.DEFAULT_PORT);
        assertThat(definition.resources().units()).containsExactly("group_1", "group_2");
        assertThat(definition.resources().membersOf("group_1")).containsExactly("ipaddr2_1_1", "drbddisk_1_2");
        assertThat(definition.resources().membersOf("group_2")).containsExactly("filesystem_2_1", "mysqld_2_2");
        assertThat(definition.resources().primitive("ipaddr2_1_1").orElseThrow().params().get("cidr_netmask"))
                .isEqualTo("24");
        assertThat(definition.resources().primitive("filesystem_2_1").orElseThrow().params().get("options"))
                .isEqualTo("noatime");
        assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).startsWith("ha.cf:6: bcast"));
        assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).startsWith("haresources:2: IPaddr2 broadcast"));
        assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).contains("auto_failback not set"));
    }

    @Test
    void millisecondTimesAndDefaults() {
        HeartbeatImport imported = HeartbeatImporter.importText("keepalive 500ms\ndeadtime 3\nnode a b c\n", null,
                AUTHKEYS);
        ClusterDefinition definition = imported.definition();
        assertThat(definition.timing().keepalive()).isEqualTo(Duration.ofMillis(500));
        assertThat(definition.timing().warntime()).isEqualTo(Duration.ofMillis(1750));
        assertThat(definition.timing().initdead()).isEqualTo(Duration.ofSeconds(6));
        assertThat(definition.quorumVotes()).isEqualTo(2);
        assertThat(imported.warnings()).noneSatisfy(w -> assertThat(w).contains("two nodes"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "crm|crm yes|ha.cf:6: this ha.cf uses the CRM; import the Pacemaker configuration instead",
            "pacemaker|pacemaker respawn|ha.cf:6: this ha.cf uses the CRM",
            "bad time|keepalive two|ha.cf:6: keepalive: 'two' is not a time",
            "timing order|warntime 40|ha.cf:6: deadtime 30s must be longer than warntime 40s",
            "port|udpport 70000|ha.cf:6: udpport '70000' must be a port 1..65535",
            "ucast|ucast eth1 10.0.0.300|ha.cf:6: ucast: '10.0.0.300' is not an IPv4 address",
            "ucast args|ucast eth1|ha.cf:6: ucast takes an interface and an IPv4 address",
            "failback|auto_failback maybe|ha.cf:6: auto_failback 'maybe' must be on, off or legacy",
            "node twice|node node1|ha.cf:6: node node1 is listed twice",
            "node name|node -bad|ha.cf:6: node name '-bad' must be"})
    void haCfErrorsNameTheLine(String name, String extraLine, String message) {
        assertThatThrownBy(() -> HeartbeatImporter.importText(HA_CF + extraLine + "\n", null, AUTHKEYS))
                .isInstanceOf(HeartbeatConfigException.class).hasMessageStartingWith(message);
    }

    @Test
    void haCfWithoutNodes() {
        assertThatThrownBy(() -> HeartbeatImporter.importText("keepalive 2\n", null, AUTHKEYS))
                .isInstanceOfSatisfying(HeartbeatConfigException.class, e -> assertThat(e.line()).isZero())
                .hasMessage("ha.cf:0: no 'node' line: name every cluster node, e.g. node node1 node2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown type|node1 Xyz::1|haresources:3: unknown resource type 'Xyz' (line 3",
            "MailTo|node1 MailTo::root::failover|haresources:3: resource type 'MailTo' is not supported",
            "Delay|node1 Delay::5::0|haresources:3: resource type 'Delay' is not supported",
            "unknown node|node3 httpd|haresources:3: 'node3' is not a node of ha.cf (nodes: node1, node2)",
            "no resources|node1|haresources:3: node node1 has no resources",
            "drbddisk|node1 drbddisk|haresources:3: drbddisk takes the replicated disk's name",
            "Filesystem|node1 Filesystem::/dev/drbd1::/data|haresources:3: Filesystem takes device, directory, type",
            "bad ip|node1 IPaddr::10.0.0.300/24|haresources:3: resource 1 (IPaddr): params.ip: '10.0.0.300' is not",
            "bad prefix|node1 IPaddr::10.0.0.1/40|haresources:3: resource 1 (IPaddr): params.cidr_netmask",
            "bad netmask|node1 IPaddr::10.0.0.1/255.0.255.0|haresources:3: netmask 255.0.255.0 is not contiguous",
            "bad path|node1 Filesystem::/dev/drbd1::data::ext4|haresources:3: resource 1 (Filesystem): params.directory",
            "bad script|node1 ht%tpd|haresources:3: 'ht%tpd' is not an init script name"})
    void haresourcesErrorsNameTheLine(String name, String line, String message) {
        String haresources = "# comment\n\n" + line + "\n";
        assertThatThrownBy(() -> HeartbeatImporter.importText(HA_CF, haresources, AUTHKEYS))
                .isInstanceOf(HeartbeatConfigException.class).hasMessageStartingWith(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "crc|auth 2\\n1 sha1 longenoughsecret\\n2 crc|authkeys:3: authkeys method crc gives no authentication:"
                    + " use sha1 with a secret",
            "short secret|auth 1\\n1 sha1 abc|authkeys:2: the secret must have 8 to 256 characters, has 3",
            "no auth line|1 sha1 longenoughsecret|authkeys:0: no 'auth N' line",
            "missing key|auth 3\\n1 sha1 longenoughsecret|authkeys:1: auth 3: no key 3 is defined",
            "unknown method|auth 1\\n1 sha512 longenoughsecret|authkeys:2: unknown method 'sha512'",
            "garbage|auth 1\\nsecret|authkeys:2: expected 'auth N' or 'N METHOD SECRET'",
            "twice|auth 1\\n1 sha1 longenoughsecret\\n1 md5 longenoughsecret|authkeys:3: key 1 is defined twice"})
    void authkeysErrorsNameTheLine(String name, String authkeys, String message) {
        assertThatThrownBy(() -> HeartbeatImporter.importText(HA_CF, null, authkeys.replace("\\n", "\n")))
                .isInstanceOf(HeartbeatConfigException.class).hasMessageStartingWith(message);
    }

    @Test
    void authkeysAreRequiredAndMd5Accepted() {
        assertThatThrownBy(() -> HeartbeatImporter.importText(HA_CF, null, null))
                .isInstanceOf(HeartbeatConfigException.class).hasMessageStartingWith("authkeys:0: authkeys is required");
        ClusterDefinition definition = HeartbeatImporter.importText(HA_CF, null, "auth 2\n2 md5 with spaces inside\n")
                .definition();
        assertThat(definition.authKey().method()).isEqualTo(AuthMethod.MD5);
        assertThat(definition.authKey().secret()).isEqualTo("with spaces inside");
    }

    @Test
    void unsupportedAndUnknownKeysAreWarned() {
        HeartbeatImport imported = HeartbeatImporter.importText(HA_CF + "ping 10.0.0.254\nrespawn hacluster /x\n"
                + "baud 19200\nmcast eth0 225.0.0.1 694 1 0\nstonith_host * ipmi\n", null, AUTHKEYS);
        assertThat(imported.warnings()).contains("ha.cf:6: ping: not supported", "ha.cf:7: respawn: not supported",
                "ha.cf:8: baud: ignored", "ha.cf:10: stonith_host: not supported; give fencing.devices");
        assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).startsWith("ha.cf:9: mcast"));
    }
}
