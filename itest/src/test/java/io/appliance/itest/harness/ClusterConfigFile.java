package io.appliance.itest.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configuration YAML of one node of an {@link ApplianceCluster}: {@code nodeName}, state
 * directory, a local portal {@code 127.0.0.1:3260}, REST on {@code 127.0.0.1:8080}, and, for a
 * storage node of a replicated cluster, replication resource {@code r0} on {@code rep0} (protocol C,
 * {@code autoUp: true}) with the seeded target {@link #TARGET} whose LUN 0 is {@code r0} (the same
 * uuid on both nodes), plus the {@code cluster:} section (c-appliance-api.md) built from a
 * {@link Spec}: nodes node1, node2 and witness on the heartbeat network, majority quorum, short
 * Heartbeat timers, and the resources the spec lists. Strings are emitted double-quoted.
 */
public final class ClusterConfigFile {

    public static final String CLUSTER_NAME = "itc";
    public static final int HEARTBEAT_PORT = 7800;
    public static final String RESOURCE = "r0";
    public static final String TARGET = "iqn.2026-11.io.appliance:ha";
    public static final String LUN_UUID = "6a1b2c3d-4e5f-4061-8273-849506a7b8c9";
    public static final String STORAGE_GROUP = "g-iscsi";
    public static final Duration DEADTIME = Duration.ofSeconds(2);
    public static final Duration SELF_FENCE_TIMEOUT = Duration.ofSeconds(2);

    private ClusterConfigFile() {
    }

    /** What differs between the clusters of the tests; a fluent builder. */
    public static final class Spec {
        private boolean replicated;
        private boolean fenceDevice;
        private Duration watchdogTimeout = Duration.ofSeconds(5);
        private int stickiness = 200;
        private boolean ring1;
        private final List<String> resources = new ArrayList<>();
        private final List<String> groups = new ArrayList<>();
        private final List<String> locations = new ArrayList<>();

        /** The iSCSI storage cluster: replication r0, the seeded LUN and the typical storage group preferring node1. */
        public static Spec storage() {
            Spec spec = new Spec();
            spec.replicated = true;
            spec.groups.add("{id: " + STORAGE_GROUP + ", resources: [block, disk, target, vip, unblock]}");
            spec.locations.add("{id: prefer-node1, rsc: " + STORAGE_GROUP + ", node: node1, score: 100}");
            return spec;
        }

        /** A cluster without replication or iSCSI resources, for {@link #dummyGroup}s. */
        public static Spec light() {
            return new Spec();
        }

        /** The lab's fence agent as the device for node1 and node2, and no watchdog: a lost node must be fenced. */
        public Spec withFenceDevice() {
            fenceDevice = true;
            watchdogTimeout = Duration.ZERO;
            return this;
        }

        /** Every node also heartbeats on the lab's second ring ({@code brhb1}). */
        public Spec withRing1() {
            ring1 = true;
            return this;
        }

        public Spec withStickiness(int score) {
            stickiness = score;
            return this;
        }

        /**
         * A group {@code group} of one Dummy {@code dummy} (monitor every second; {@code migrationThreshold}
         * in its meta when positive) preferring {@code preferredNode} with score 100.
         */
        public Spec dummyGroup(String group, String dummy, String preferredNode, int migrationThreshold) {
            return dummyGroup(group, dummy, preferredNode, migrationThreshold, null);
        }

        /** As the other {@code dummyGroup}, with the group's own {@code resource-stickiness} (meta) unless null. */
        public Spec dummyGroup(String group, String dummy, String preferredNode, int migrationThreshold, Integer stickiness) {
            resources.add("{id: " + dummy + ", type: Dummy, ops: [{name: monitor, interval: 1s, timeout: 10s}]"
                    + (migrationThreshold > 0 ? ", meta: {migration-threshold: " + migrationThreshold + "}" : "") + "}");
            groups.add("{id: " + group + ", resources: [" + dummy + "]"
                    + (stickiness != null ? ", meta: {resource-stickiness: " + stickiness + "}" : "") + "}");
            locations.add("{id: prefer-" + group + ", rsc: " + group + ", node: " + preferredNode + ", score: 100}");
            return this;
        }

        public boolean replicated() {
            return replicated;
        }
    }

    /**
     * @param backingFiles r0's backing file of node1 and node2 (used for a replicated spec only)
     */
    public static String render(ClusterLab lab, String self, Spec spec, Path stateDirectory, Map<String, Path> backingFiles) {
        boolean storage = !ClusterLab.WITNESS.equals(self);
        StringBuilder yaml = new StringBuilder();
        yaml.append("nodeName: ").append(NodeConfigFile.quote(self)).append('\n');
        yaml.append("stateDirectory: ").append(NodeConfigFile.quote(stateDirectory.toString())).append('\n');
        yaml.append("iscsi:\n  portals:\n    - address: \"127.0.0.1\"\n      port: ").append(ClusterNode.ISCSI_PORT).append('\n');
        if (storage && spec.replicated) {
            yaml.append("replication:\n  autoUp: true\n  resources:\n");
            yaml.append("    - name: ").append(NodeConfigFile.quote(RESOURCE)).append('\n');
            ReplicatedPair.fastOptions("C").forEach((key, value) ->
                    yaml.append("      ").append(key).append(": ").append(NodeConfigFile.quote(value)).append('\n'));
            yaml.append("      hosts:\n");
            for (String node : List.of(ClusterLab.NODE1, ClusterLab.NODE2)) {
                yaml.append("        - name: ").append(NodeConfigFile.quote(node)).append('\n');
                yaml.append("          disk: ").append(NodeConfigFile.quote(backingFiles.get(node).toString())).append('\n');
                yaml.append("          address: ").append(NodeConfigFile.quote(lab.replicationAddress(node) + ":"
                        + ClusterNode.REPLICATION_PORT)).append('\n');
                yaml.append("          meta-disk: \"internal\"\n");
            }
            yaml.append("seed:\n  targets:\n");
            yaml.append("    - name: ").append(NodeConfigFile.quote(TARGET)).append('\n');
            yaml.append("      alias: \"ha\"\n      openAccess: true\n      luns:\n");
            yaml.append("        - lun: 0\n          replicatedDisk: ").append(NodeConfigFile.quote(RESOURCE)).append('\n');
            yaml.append("          uuid: ").append(NodeConfigFile.quote(LUN_UUID)).append('\n');
        }
        yaml.append("server:\n  type: simple\n  applicationContextPath: /\n  adminContextPath: /admin\n");
        yaml.append("  connector:\n    type: http\n    bindHost: \"127.0.0.1\"\n    port: ").append(ClusterNode.REST_PORT)
                .append('\n');
        yaml.append(clusterSection(lab, spec));
        return yaml.toString();
    }

    /** The {@code cluster:} section, the same on every node. */
    static String clusterSection(ClusterLab lab, Spec spec) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("cluster:\n");
        yaml.append("  name: ").append(CLUSTER_NAME).append('\n');
        yaml.append("  transport: tcp\n  port: ").append(HEARTBEAT_PORT).append('\n');
        yaml.append("  keepalive: 500ms\n  warntime: 1s\n  deadtime: ").append(seconds(DEADTIME)).append('\n');
        yaml.append("  initdead: 15s\n");
        yaml.append("  authkey:\n    method: sha256\n    secret: \"itest cluster shared secret\"\n");
        yaml.append("  quorum:\n    mode: majority\n    noQuorumPolicy: stop\n");
        yaml.append("  fencing:\n    enabled: true\n    action: \"off\"\n"); // quoted: YAML 1.1 reads a bare off as false
        yaml.append("    watchdogTimeout: ").append(seconds(spec.watchdogTimeout)).append('\n');
        yaml.append("    selfFenceTimeout: ").append(seconds(SELF_FENCE_TIMEOUT)).append('\n');
        if (spec.fenceDevice) {
            yaml.append("    devices:\n");
            yaml.append("      - name: lab-fence\n");
            yaml.append("        command: ").append(NodeConfigFile.quote(lab.fenceAgent().toString())).append('\n');
            yaml.append("        nodes: [node1, node2]\n");
            yaml.append("        parameters: {lab_prefix: ").append(NodeConfigFile.quote(lab.prefix())).append(", vip: ")
                    .append(NodeConfigFile.quote(lab.vip() + "/24")).append("}\n");
            yaml.append("        timeout: 20s\n        retries: 2\n");
        }
        yaml.append("  nodes:\n");
        for (String node : List.of(ClusterLab.NODE1, ClusterLab.NODE2, ClusterLab.WITNESS)) {
            yaml.append("    - name: ").append(node).append('\n');
            yaml.append("      role: ").append(ClusterLab.WITNESS.equals(node) ? "witness" : "storage").append('\n');
            yaml.append("      votes: 1\n");
            yaml.append("      addresses: [").append(NodeConfigFile.quote(lab.heartbeatAddress(node)));
            if (spec.ring1) {
                yaml.append(", ").append(NodeConfigFile.quote(lab.ring1Address(node)));
            }
            yaml.append("]\n");
        }
        yaml.append("  properties:\n    resource-stickiness: ").append(spec.stickiness).append('\n');
        yaml.append("    migration-threshold: INFINITY\n    failure-timeout: 0s\n");
        yaml.append("  resources:\n");
        if (spec.replicated) {
            String vip = lab.vip();
            yaml.append("    - {id: block, type: portblock, params: {ip: \"").append(vip)
                    .append("\", portno: \"3260\", protocol: tcp, action: block}}\n");
            yaml.append("    - {id: disk, type: replicated-disk, params: {resource: r0}, ops: [{name: monitor, interval: 1s, timeout: 10s}]}\n");
            yaml.append("    - {id: target, type: iscsi-target, params: {ip: \"").append(vip)
                    .append("\", port: \"3260\"}, ops: [{name: monitor, interval: 1s}]}\n");
            yaml.append("    - {id: vip, type: IPaddr2, params: {ip: \"").append(vip)
                    .append("\", cidr_netmask: \"24\", nic: lan0}, ops: [{name: monitor, interval: 1s}]}\n");
            yaml.append("    - {id: unblock, type: portblock, params: {ip: \"").append(vip)
                    .append("\", portno: \"3260\", protocol: tcp, action: unblock}}\n");
        }
        spec.resources.forEach(line -> yaml.append("    - ").append(line).append('\n'));
        yaml.append("  groups:\n");
        spec.groups.forEach(line -> yaml.append("    - ").append(line).append('\n'));
        yaml.append("  constraints:\n    location:\n");
        spec.locations.forEach(line -> yaml.append("      - ").append(line).append('\n'));
        return yaml.toString();
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
