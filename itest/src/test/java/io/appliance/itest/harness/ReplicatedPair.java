package io.appliance.itest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Two appliance nodes in a {@link NetworkLab}, each with a sparse backing file for one replicated
 * resource and an open-access target whose LUN 0 is that resource (the same LUN uuid on both,
 * so both present the same serial). Nodes are not started by {@link #create}: the caller starts
 * them ({@link ReplicaNode#start()}), kills and restarts them. {@link #close()} stops both nodes
 * and tears the lab down, whatever state they are in.
 */
public final class ReplicatedPair implements AutoCloseable {

    public static final String RESOURCE = "r0";
    public static final String TARGET = "iqn.2026-11.io.appliance:r0";
    public static final String LUN_UUID = "5f0c1d2e-3a4b-4c5d-8e6f-708192a3b4c5";

    private final NetworkLab lab;
    private final ReplicaNode node1;
    private final ReplicaNode node2;

    private ReplicatedPair(NetworkLab lab, ReplicaNode node1, ReplicaNode node2) {
        this.lab = lab;
        this.node1 = node1;
        this.node2 = node2;
    }

    /**
     * Builds the lab and both nodes' directories, backing files ({@code backingBytes}, sparse) and
     * configurations. {@code options} are the resource's DRBD-spelled settings, such as
     * {@code protocol -> C} or {@code verify-alg -> sha256}, written in the order given.
     */
    public static ReplicatedPair create(long backingBytes, Map<String, String> options) throws IOException, InterruptedException {
        NetworkLab lab = NetworkLab.create();
        List<ReplicaNode> nodes = new ArrayList<>();
        try {
            for (int index = 1; index <= 2; index++) {
                Path directory = Files.createTempDirectory("appliance-replica-" + lab.prefix() + "-node" + index + "-");
                nodes.add(new ReplicaNode(lab, index, directory));
            }
            for (ReplicaNode node : nodes) {
                Files.createDirectories(node.stateDirectory());
                try (RandomAccessFile file = new RandomAccessFile(node.backingFile().toFile(), "rw")) {
                    file.setLength(backingBytes);
                }
                Files.writeString(node.configFile(), render(node, nodes, lab, options), StandardCharsets.UTF_8);
            }
            return new ReplicatedPair(lab, nodes.get(0), nodes.get(1));
        } catch (IOException | RuntimeException | Error e) {
            nodes.forEach(ReplicaNode::close);
            lab.close();
            throw e;
        }
    }

    /** The usual settings of these tests: short timers so that a cut link is noticed within seconds, an unthrottled resync. */
    public static Map<String, String> fastOptions(String protocol) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("protocol", protocol);
        options.put("resync-rate", "1GiB");
        options.put("connect-int", "1s");
        options.put("ping-int", "1s");
        options.put("ping-timeout", "500ms");
        options.put("timeout", "3s");
        return options;
    }

    public ReplicaNode node(int index) {
        return switch (index) {
            case 1 -> node1;
            case 2 -> node2;
            default -> throw new IllegalArgumentException("node must be 1 or 2: " + index);
        };
    }

    public ReplicaNode node1() {
        return node1;
    }

    public ReplicaNode node2() {
        return node2;
    }

    public NetworkLab lab() {
        return lab;
    }

    /** Starts both nodes, node 1 first. */
    public void startBoth() throws IOException, InterruptedException {
        node1.start();
        node2.start();
    }

    /**
     * The usual start of a test: both nodes started, {@code create-md} and {@code up} on both,
     * {@code primary --force} on node 1 (the full initial sync), and both sides in sync within
     * {@code limit}. Returns node 1's status then.
     */
    public JsonNode establish(Duration limit) throws IOException, InterruptedException {
        startBoth();
        for (ReplicaNode node : List.of(node1, node2)) {
            node.replication(RESOURCE).expectVerb("create-md");
        }
        for (ReplicaNode node : List.of(node1, node2)) {
            node.replication(RESOURCE).expectVerb("up");
        }
        node1.replication(RESOURCE).awaitStatus("connected", limit, status -> "Connected".equals(status.path("connection").asText()));
        node1.replication(RESOURCE).expectVerb("primary", Map.of("force", true));
        return awaitInSync(limit);
    }

    /** Waits until both nodes report Connected, Established, UpToDate/UpToDate and nothing out of sync; returns node 1's status. */
    public JsonNode awaitInSync(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode first = node1.replication(RESOURCE).awaitStatus("in sync", limit, ReplicationClient::inSync);
        node2.replication(RESOURCE).awaitStatus("in sync", Duration.ofNanos(Math.max(1, deadline - System.nanoTime())),
                ReplicationClient::inSync);
        return first;
    }

    /** Both backing files compared block by block over the data area (node 1's {@code sizeBytes}; the metadata after it is not compared). */
    public BackingFiles.Comparison compareDataAreas() throws IOException, InterruptedException {
        long size = node1.replication(RESOURCE).status().path("sizeBytes").asLong();
        if (size <= 0 || size > Files.size(node1.backingFile())) {
            throw new AssertionError("implausible sizeBytes " + size + " for a backing file of " + Files.size(node1.backingFile()));
        }
        return BackingFiles.compare(node1.backingFile(), node2.backingFile(), size);
    }

    /** LUN 0 of {@link #TARGET} as seen inside the node's namespace, as libiscsi/qemu spell it. */
    public String lunUrl(ReplicaNode node) {
        return node.endpoint(TARGET, 0).lunUrl();
    }

    /**
     * {@code qemu-img bench -w} inside the node's namespace against its LUN: {@code count} writes of
     * {@code size} bytes at depth {@code depth}, offsets {@code offset}, {@code offset + step}, ...
     * (wrapping around the LUN), each filled with {@code pattern}.
     */
    public ToolResult benchWrite(ReplicaNode node, int count, int depth, int size, long offset, long step, int pattern,
            Duration limit) throws IOException, InterruptedException {
        return node.inNamespace("qemu-img", "bench", "-f", "raw", "-w", "-c", Integer.toString(count), "-d",
                Integer.toString(depth), "-s", Integer.toString(size), "-o", Long.toString(offset), "-S", Long.toString(step),
                "--pattern=" + pattern, "--flush-interval=" + count, lunUrl(node)).timeout(limit).run();
    }

    /** Copies the node's LUN (all of it) into {@code destination} with {@code qemu-img convert}, inside its namespace. */
    public ToolResult readLun(ReplicaNode node, Path destination, Duration limit) throws IOException, InterruptedException {
        return node.inNamespace("qemu-img", "convert", "-f", "raw", "-O", "raw", lunUrl(node), destination.toString())
                .timeout(limit).run();
    }

    /**
     * Starts {@link IscsiBlockTool} {@code write-sequence} in the node's namespace: sequenced blocks
     * 0..count-1 of {@code runId} at 4 KiB blocks {@code firstBlock}... Its output goes to {@code log}.
     */
    public SequenceWriter startSequenceWriter(ReplicaNode node, long runId, long firstBlock, long count, Path log)
            throws IOException {
        List<String> command = List.of("ip", "netns", "exec", node.namespace(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", testClassesLocation(),
                IscsiBlockTool.class.getName(), "write-sequence", "127.0.0.1", Integer.toString(ReplicaNode.ISCSI_PORT),
                TARGET, "0", Long.toString(runId), Long.toString(firstBlock), Long.toString(count));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        return new SequenceWriter(process, log);
    }

    /** One READ (10) of LBA {@code lba} through the node's LUN, inside its namespace: {@code status S sense-key K asc 0xAAQQ}. */
    public ToolResult readOneBlock(ReplicaNode node, long lba) throws IOException, InterruptedException {
        return node.inNamespace(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                testClassesLocation(), IscsiBlockTool.class.getName(), "read", "127.0.0.1",
                Integer.toString(ReplicaNode.ISCSI_PORT), TARGET, "0", Long.toString(lba))
                .timeout(Duration.ofSeconds(60)).run();
    }

    /** Stops both nodes (keeping their logs), deletes their directories and the lab. Never throws. */
    @Override
    public void close() {
        try {
            node1.close();
            node2.close();
        } finally {
            lab.close();
        }
    }

    private static String testClassesLocation() {
        try {
            return Path.of(IscsiBlockTool.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("test classes location", e);
        }
    }

    private static String render(ReplicaNode self, List<ReplicaNode> nodes, NetworkLab lab, Map<String, String> options) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("nodeName: ").append(NodeConfigFile.quote(self.name())).append('\n');
        yaml.append("stateDirectory: ").append(NodeConfigFile.quote(self.stateDirectory().toString())).append('\n');
        yaml.append("iscsi:\n");
        yaml.append("  portals:\n");
        yaml.append("    - address: \"127.0.0.1\"\n");
        yaml.append("      port: ").append(ReplicaNode.ISCSI_PORT).append('\n');
        yaml.append("replication:\n");
        yaml.append("  autoUp: false\n");
        yaml.append("  resources:\n");
        yaml.append("    - name: ").append(NodeConfigFile.quote(RESOURCE)).append('\n');
        options.forEach((key, value) -> {
            if (!key.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException("unexpected resource option " + key);
            }
            yaml.append("      ").append(key).append(": ").append(NodeConfigFile.quote(value)).append('\n');
        });
        yaml.append("      hosts:\n");
        for (ReplicaNode node : nodes) {
            yaml.append("        - name: ").append(NodeConfigFile.quote(node.name())).append('\n');
            yaml.append("          disk: ").append(NodeConfigFile.quote(node.backingFile().toString())).append('\n');
            yaml.append("          address: ")
                    .append(NodeConfigFile.quote(lab.address(node.index()) + ":" + ReplicaNode.REPLICATION_PORT)).append('\n');
            yaml.append("          meta-disk: \"internal\"\n");
        }
        yaml.append("seed:\n");
        yaml.append("  targets:\n");
        yaml.append("    - name: ").append(NodeConfigFile.quote(TARGET)).append('\n');
        yaml.append("      alias: \"r0\"\n");
        yaml.append("      openAccess: true\n");
        yaml.append("      luns:\n");
        yaml.append("        - lun: 0\n");
        yaml.append("          replicatedDisk: ").append(NodeConfigFile.quote(RESOURCE)).append('\n');
        yaml.append("          uuid: ").append(NodeConfigFile.quote(LUN_UUID)).append('\n');
        yaml.append("server:\n");
        yaml.append("  type: simple\n");
        yaml.append("  applicationContextPath: /\n");
        yaml.append("  adminContextPath: /admin\n");
        yaml.append("  connector:\n");
        yaml.append("    type: http\n");
        yaml.append("    bindHost: \"127.0.0.1\"\n");
        yaml.append("    port: ").append(ReplicaNode.REST_PORT).append('\n');
        return yaml.toString();
    }

    /** A running {@code write-sequence}: what it has acknowledged so far, read from its log. */
    public static final class SequenceWriter implements AutoCloseable {

        private final Process process;
        private final Path log;

        SequenceWriter(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        /** The sequence numbers acknowledged so far ("acked N" lines; a torn last line is ignored). */
        public List<Long> acknowledged() throws IOException {
            List<Long> acked = new ArrayList<>();
            for (String line : Files.readString(log, StandardCharsets.UTF_8).split("\n")) {
                if (line.matches("acked \\d+")) {
                    acked.add(Long.parseLong(line.substring("acked ".length())));
                }
            }
            return acked;
        }

        /** Waits until at least {@code count} writes were acknowledged; fails with the log when the bound passes or the writer ends early. */
        public void awaitAcknowledged(int count, Duration limit) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (acknowledged().size() < count) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("writer acknowledged " + acknowledged().size() + " of " + count
                            + " writes (alive: " + process.isAlive() + ", limit " + limit + "); log:\n" + tail());
                }
                Thread.sleep(50);
            }
        }

        /** Waits for the writer to end by itself; kills it after {@code limit}. Returns whether it ended by itself. */
        public boolean awaitExit(Duration limit) throws InterruptedException {
            if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return false;
        }

        public String tail() throws IOException {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
