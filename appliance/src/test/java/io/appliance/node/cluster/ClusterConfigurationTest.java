package io.appliance.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.cluster.AuthMethod;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterTransportKind;
import io.appliance.config.cluster.FenceAction;
import io.appliance.config.cluster.NoQuorumPolicy;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.OnFail;
import io.appliance.config.cluster.OrderKind;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.QuorumMode;
import io.appliance.config.cluster.Score;
import io.appliance.config.cluster.TargetRole;
import io.appliance.node.config.ApplianceConfiguration;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ClusterConfigurationTest {

    private static final ConfigurationFactory<ApplianceConfiguration> FACTORY =
            new DefaultConfigurationFactoryFactory<ApplianceConfiguration>()
                    .create(ApplianceConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

    static final String FULL = """
            nodeName: node1
            cluster:
              name: ha1
              transport: tcp
              port: 7801
              keepalive: 400ms
              warntime: 1s
              deadtime: 3s
              initdead: 12s
              authkey:
                method: sha256
                secret: "a long shared secret"
              quorum:
                mode: majority
                noQuorumPolicy: freeze
              fencing:
                enabled: true
                action: "off"
                watchdogTimeout: 6s
                selfFenceTimeout: 2s
                devices:
                  - name: lab-fence
                    command: /usr/sbin/fence_xyz
                    nodes: [node1, node2]
                    parameters: {ipaddr: 10.0.0.9}
                    timeout: 15s
                    retries: 1
              nodes:
                - name: node1
                  role: storage
                  votes: 1
                  addresses: [10.0.3.1]
                - name: node2
                  addresses: [10.0.3.2]
                - name: witness
                  role: witness
                  addresses: [10.0.3.3]
              properties:
                resource-stickiness: 100
                migration-threshold: INFINITY
                failure-timeout: 0s
                maintenance-mode: false
                start-failure-is-fatal: true
                symmetric-cluster: true
              resources:
                - {id: block,   type: portblock, params: {ip: 10.0.1.100, portno: "3260", protocol: tcp, action: block}}
                - {id: disk,    type: drbd,      params: {resource: r0}, ops: [{name: monitor, interval: 2s, timeout: 10s}]}
                - {id: target,  type: iSCSITarget, params: {ip: 10.0.1.100, port: "3260"}, ops: [{name: monitor, interval: 2s}]}
                - id: vip
                  type: ocf:heartbeat:IPaddr2
                  params: {ip: 10.0.1.100, cidr_netmask: 24, nic: lan0}
                  ops:
                    - {name: monitor, interval: 2s, timeout: 10s, on-fail: restart}
                    - {name: start, timeout: 20s}
                    - {name: stop, timeout: 20s, on-fail: block}
                  meta: {resource-stickiness: 100, migration-threshold: 2, failure-timeout: 60s, target-role: Started, is-managed: true}
                - {id: unblock, type: portblock, params: {ip: 10.0.1.100, portno: "3260", protocol: tcp, action: unblock}}
                - {id: extra, type: Dummy, meta: {target-role: Stopped}}
              groups:
                - id: g-iscsi
                  resources: [block, disk, target, vip, unblock]
              constraints:
                location:   [{id: prefer-node1, rsc: g-iscsi, node: node1, score: 100}]
                colocation: [{id: c1, rsc: extra, with-rsc: g-iscsi, score: -INFINITY}]
                order:      [{id: o1, first: g-iscsi, then: extra, kind: Optional}]
            """;

    static ApplianceConfiguration parse(String yaml) throws Exception {
        return FACTORY.build(path -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "node.yml");
    }

    static ClusterDefinition definition(String yaml) throws Exception {
        return parse(yaml).getCluster().orElseThrow().toDefinition(new ArrayList<>());
    }

    @Test
    void withoutClusterSectionTheNodeRunsAlone() throws Exception {
        assertThat(parse("nodeName: node1\n").getCluster()).isEmpty();
    }

    @Test
    void fullSectionMapsEveryField() throws Exception {
        ClusterDefinition definition = definition(FULL);
        assertThat(definition.name()).isEqualTo("ha1");
        assertThat(definition.transport()).isEqualTo(ClusterTransportKind.TCP);
        assertThat(definition.port()).isEqualTo(7801);
        assertThat(definition.timing().keepalive()).isEqualTo(Duration.ofMillis(400));
        assertThat(definition.timing().deadtime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(definition.timing().initdead()).isEqualTo(Duration.ofSeconds(12));
        assertThat(definition.authKey().method()).isEqualTo(AuthMethod.SHA256);
        assertThat(definition.authKey().secret()).isEqualTo("a long shared secret");
        assertThat(definition.quorum().mode()).isEqualTo(QuorumMode.MAJORITY);
        assertThat(definition.quorum().waitForAll()).isFalse();
        assertThat(definition.quorum().noQuorumPolicy()).isEqualTo(NoQuorumPolicy.FREEZE);
        assertThat(definition.fencing().action()).isEqualTo(FenceAction.OFF);
        assertThat(definition.fencing().watchdogTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(definition.fencing().devices()).singleElement().satisfies(device -> {
            assertThat(device.nodes()).containsExactly("node1", "node2");
            assertThat(device.parameters()).isEqualTo(Map.of("ipaddr", "10.0.0.9"));
            assertThat(device.timeout()).isEqualTo(Duration.ofSeconds(15));
            assertThat(device.retries()).isEqualTo(1);
        });
        assertThat(definition.nodes()).extracting(node -> node.name() + "/" + node.role() + "/" + node.votes())
                .containsExactly("node1/STORAGE/1", "node2/STORAGE/1", "witness/WITNESS/1");
        assertThat(definition.nodes().get(2).role()).isEqualTo(NodeRole.WITNESS);
        assertThat(definition.resources().properties().resourceStickiness()).isEqualTo(Score.of(100));
        assertThat(definition.resources().properties().migrationThreshold()).isEqualTo(Integer.MAX_VALUE);
        assertThat(definition.resources().primitives()).extracting(PrimitiveDefinition::type)
                .containsExactly("portblock", "replicated-disk", "iscsi-target", "IPaddr2", "portblock", "Dummy");
        PrimitiveDefinition vip = definition.resources().primitives().get(3);
        assertThat(vip.params()).containsEntry("cidr_netmask", "24").containsEntry("nic", "lan0");
        assertThat(vip.operation("monitor")).hasValueSatisfying(monitor -> {
            assertThat(monitor.interval()).isEqualTo(Duration.ofSeconds(2));
            assertThat(monitor.timeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(monitor.onFail()).isEqualTo(OnFail.RESTART);
        });
        assertThat(vip.operation("stop").orElseThrow().onFail()).isEqualTo(OnFail.BLOCK);
        assertThat(vip.meta().migrationThreshold()).isEqualTo(OptionalInt.of(2));
        assertThat(vip.meta().failureTimeout()).contains(Duration.ofSeconds(60));
        assertThat(definition.resources().primitives().get(5).meta().targetRole()).isEqualTo(TargetRole.STOPPED);
        assertThat(definition.resources().groups()).singleElement()
                .satisfies(group -> assertThat(group.members()).containsExactly("block", "disk", "target", "vip", "unblock"));
        assertThat(definition.resources().locations()).singleElement()
                .satisfies(location -> assertThat(location.score()).isEqualTo(Score.of(100)));
        assertThat(definition.resources().colocations()).singleElement()
                .satisfies(colocation -> assertThat(colocation.score().isMinusInfinity()).isTrue());
        assertThat(definition.resources().orders()).singleElement()
                .satisfies(order -> assertThat(order.kind()).isEqualTo(OrderKind.OPTIONAL));
    }

    @Test
    void defaultsAreHeartbeatsAndPacemakers() throws Exception {
        ClusterDefinition definition = definition("""
                nodeName: node1
                cluster:
                  name: solo
                  authkey: {secret: "a long shared secret"}
                  nodes: [{name: node1, addresses: [127.0.0.1]}]
                  resources: [{id: d, type: Dummy}]
                """);
        assertThat(definition.port()).isEqualTo(7800);
        assertThat(definition.timing().keepalive()).isEqualTo(Duration.ofMillis(500));
        assertThat(definition.timing().initdead()).isEqualTo(Duration.ofSeconds(10));
        assertThat(definition.authKey().method()).isEqualTo(AuthMethod.SHA1);
        assertThat(definition.quorum().noQuorumPolicy()).isEqualTo(NoQuorumPolicy.STOP);
        assertThat(definition.fencing().enabled()).isTrue();
        assertThat(definition.fencing().watchdogTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(definition.nodes().get(0).role()).isEqualTo(NodeRole.STORAGE);
        assertThat(definition.nodes().get(0).votes()).isEqualTo(1);
    }

    @Test
    void theKeyCanComeFromAHeartbeatAuthkeysFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory)
            throws Exception {
        java.nio.file.Path authkeys = directory.resolve("authkeys");
        java.nio.file.Files.writeString(authkeys, "auth 2\n1 md5 the-old-one-here\n2 sha1 the current secret\n");
        String yaml = """
                nodeName: node1
                cluster:
                  name: solo
                  authkeysFile: %s
                  nodes: [{name: node1, addresses: [127.0.0.1]}]
                  resources: [{id: d, type: Dummy}]
                """.formatted(authkeys);
        ClusterDefinition definition = definition(yaml);
        assertThat(definition.authKey().method()).isEqualTo(AuthMethod.SHA1);
        assertThat(definition.authKey().secret()).isEqualTo("the current secret");

        java.nio.file.Files.writeString(authkeys, "auth 1\n1 crc\n");
        assertThatThrownBy(() -> definition(yaml)).hasMessageContaining("cluster.authkeysFile")
                .hasMessageContaining("crc");
        assertThatThrownBy(() -> definition(yaml.replace("  authkeysFile:", "  authkey: {secret: \"a long shared secret\"}\n  authkeysFile:")))
                .hasMessageContaining("cluster.authkeysFile: give either authkey or authkeysFile, not both");
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> parse(FULL.replace("    votes: 1\n", "    votes: -3\n")))
                .hasMessageContaining("cluster.nodes[0].votes");
        assertThatThrownBy(() -> parse(FULL.replace("type: iSCSITarget", "type: IPaddr3")))
                .hasMessageContaining("cluster.resources[2].type: unknown resource type 'IPaddr3' (known: ");
        assertThatThrownBy(() -> parse(FULL.replace("keepalive: 400ms", "keepalive: soon")))
                .hasMessageContaining("cluster.keepalive: 'soon' is not a duration");
        assertThatThrownBy(() -> parse(FULL.replace("mode: majority", "mode: plurality")))
                .hasMessageContaining("cluster.quorum.mode: 'plurality' is not valid (one of majority, two_node)");
        assertThatThrownBy(() -> parse(FULL.replace("name: ha1", "name: \"ha 1\"")))
                .hasMessageContaining("cluster.name: 'ha 1' must be");
        assertThatThrownBy(() -> parse(FULL.replace("on-fail: restart", "on-fail: panic")))
                .hasMessageContaining("cluster.resources[3].ops[0].on-fail: 'panic' is not valid");
        assertThatThrownBy(() -> parse(FULL.replace("migration-threshold: 2", "migration-threshold: 0")))
                .hasMessageContaining("cluster.resources[3].meta.migration-threshold: '0' must be a number >= 1 or INFINITY");
        assertThatThrownBy(() -> parse(FULL.replace("score: 100}]", "score: lots}]")))
                .hasMessageContaining("cluster.constraints.location[0].score");
        assertThatThrownBy(() -> parse(FULL.replace("params: {resource: r0}", "params: {}")))
                .hasMessageContaining("cluster.resources[1]");
        assertThatThrownBy(() -> parse(FULL.replace("    secret: \"a long shared secret\"\n", "")))
                .hasMessageContaining("cluster.authkey.secret: is required");
        assertThatThrownBy(() -> parse(FULL.replace("nodeName: node1", "nodeName: node9")))
                .hasMessageContaining("cluster.nodes: this node's nodeName node9 is not one of the cluster's nodes (node1, node2, witness)");
        assertThatThrownBy(() -> parse(FULL.replace("colocation: [", "colocaton: [")))
                .hasMessageContaining("colocaton");
    }

    @Test
    void nodeNameMustBeAClusterNode() throws Exception {
        ClusterConfiguration cluster = parse(FULL).getCluster().orElseThrow();
        List<String> warnings = new ArrayList<>();
        ClusterDefinition definition = cluster.toDefinition(warnings);
        assertThat(definition.node("node3")).isEmpty();
        assertThatThrownBy(() -> ClusterManager.localNodeOf(definition, "node3"))
                .hasMessageContaining("nodeName node3 is not one of the cluster's nodes (node1, node2, witness)");
    }
}
