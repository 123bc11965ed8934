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
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Three appliance nodes (node1, node2 storage; witness) in a {@link ClusterLab}, configured by
 * {@link ClusterConfigFile} from one {@link ClusterConfigFile.Spec}. Nodes are not started by
 * {@link #create}. For a replicated spec each storage node has a 256 MiB sparse r0 backing file and
 * {@link #establishReplication} makes r0 consistent the way {@link ReplicatedPair} does (create-md,
 * up, then {@code new-current-uuid --clear-bitmap}: blank disks, no initial sync). {@link #close()}
 * stops every node and removes the lab, whatever state they are in.
 */
public final class ApplianceCluster implements AutoCloseable {

    public static final long BACKING_BYTES = 256L << 20;
    public static final List<String> ALL = List.of(ClusterLab.NODE1, ClusterLab.NODE2, ClusterLab.WITNESS);

    private final ClusterLab lab;
    private final ClusterConfigFile.Spec spec;
    private final Map<String, ClusterNode> nodes;

    private ApplianceCluster(ClusterLab lab, ClusterConfigFile.Spec spec, Map<String, ClusterNode> nodes) {
        this.lab = lab;
        this.spec = spec;
        this.nodes = nodes;
    }

    /** Builds the lab, the nodes' directories, backing files and configurations. */
    public static ApplianceCluster create(ClusterConfigFile.Spec spec) throws IOException, InterruptedException {
        ClusterLab lab = ClusterLab.create();
        Map<String, ClusterNode> nodes = new LinkedHashMap<>();
        try {
            for (String name : ALL) {
                Path directory = Files.createDirectories(lab.directory().resolve(name));
                nodes.put(name, new ClusterNode(lab, name, directory));
            }
            Map<String, Path> backingFiles = Map.of(ClusterLab.NODE1, nodes.get(ClusterLab.NODE1).backingFile(),
                    ClusterLab.NODE2, nodes.get(ClusterLab.NODE2).backingFile());
            for (ClusterNode node : nodes.values()) {
                Files.createDirectories(node.stateDirectory());
                if (spec.replicated() && !ClusterLab.WITNESS.equals(node.name())) {
                    try (RandomAccessFile file = new RandomAccessFile(node.backingFile().toFile(), "rw")) {
                        file.setLength(BACKING_BYTES);
                    }
                }
                Files.writeString(node.configFile(),
                        ClusterConfigFile.render(lab, node.name(), spec, node.stateDirectory(), backingFiles),
                        StandardCharsets.UTF_8);
            }
            return new ApplianceCluster(lab, spec, nodes);
        } catch (IOException | RuntimeException | Error e) {
            nodes.values().forEach(ClusterNode::close);
            lab.close();
            throw e;
        }
    }

    public ClusterLab lab() {
        return lab;
    }

    public ClusterNode node(String name) {
        ClusterNode node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no node " + name);
        }
        return node;
    }

    public List<ClusterNode> nodes() {
        return List.copyOf(nodes.values());
    }

    /** Starts the named nodes in parallel (JVM start-up dominates); fails with the first node that did not start. */
    public void start(String... names) throws IOException, InterruptedException {
        ExecutorService starter = Executors.newFixedThreadPool(names.length);
        try {
            List<Future<Void>> started = new ArrayList<>();
            for (String name : names) {
                started.add(starter.submit(() -> {
                    node(name).start();
                    return null;
                }));
            }
            for (Future<Void> future : started) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    throw new IOException(e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            starter.shutdownNow();
        }
    }

    public void startAll() throws IOException, InterruptedException {
        start(ALL.toArray(String[]::new));
    }

    /**
     * First start of a replicated cluster: create-md and up on both storage nodes, connected, then
     * {@code new-current-uuid --clear-bitmap} on node1 (both blank: UpToDate without a sync), in sync within {@code limit}.
     */
    public void establishReplication(Duration limit) throws IOException, InterruptedException {
        if (!spec.replicated()) {
            throw new IllegalStateException("the spec has no replication");
        }
        List<ReplicationClient> storage = List.of(node(ClusterLab.NODE1).replication(ClusterConfigFile.RESOURCE),
                node(ClusterLab.NODE2).replication(ClusterConfigFile.RESOURCE));
        for (ReplicationClient client : storage) {
            client.expectVerb("create-md");
        }
        for (ReplicationClient client : storage) {
            client.expectVerb("up");
        }
        storage.get(0).awaitStatus("connected", limit, status -> "Connected".equals(status.path("connection").asText()));
        storage.get(0).expectVerb("new-current-uuid", Map.of("clearBitmap", true));
        for (ReplicationClient client : storage) {
            client.awaitStatus("in sync", limit, ReplicationClient::inSync);
        }
    }

    /**
     * The node every member of {@code unit} (a group id, or a primitive id) reports "Started N" on,
     * from one status document; empty when they are not all started on one node.
     */
    public static Optional<String> startedOn(JsonNode status, String unit) {
        String node = null;
        int members = 0;
        for (JsonNode resource : status.path("resources")) {
            if (unit.equals(resource.path("id").asText()) || unit.equals(resource.path("group").asText())) {
                members++;
                String summary = resource.path("summary").asText();
                if (!summary.startsWith("Started ")) {
                    return Optional.empty();
                }
                String on = summary.substring("Started ".length()).strip();
                if (node != null && !node.equals(on)) {
                    return Optional.empty();
                }
                node = on;
            }
        }
        return members == 0 ? Optional.empty() : Optional.ofNullable(node);
    }

    /** Whether no member of {@code unit} runs anywhere (every summary starts with "Stopped"). */
    public static boolean stopped(JsonNode status, String unit) {
        int members = 0;
        for (JsonNode resource : status.path("resources")) {
            if (unit.equals(resource.path("id").asText()) || unit.equals(resource.path("group").asText())) {
                members++;
                if (!resource.path("summary").asText().startsWith("Stopped")) {
                    return false;
                }
            }
        }
        return members > 0;
    }

    /** The resource's fail count on {@code node} in a status document (0 when absent). */
    public static int failCount(JsonNode status, String resource, String node) {
        for (JsonNode entry : status.path("resources")) {
            if (resource.equals(entry.path("id").asText())) {
                return entry.path("failCounts").path(node).asInt(0);
            }
        }
        return 0;
    }

    /** Waits (through {@code observer}'s REST) until {@code unit} is started on {@code node}; returns that status. */
    public JsonNode awaitStartedOn(ClusterNode observer, String unit, String node, Duration limit)
            throws IOException, InterruptedException {
        return observer.awaitStatus(unit + " started on " + node, limit,
                status -> startedOn(status, unit).filter(node::equals).isPresent());
    }

    /**
     * The starting point of a test: {@code unit} started on {@code node}. Which node a unit lands on
     * first depends on which nodes were members and eligible (a replicated disk UpToDate) at the first
     * placement, and stickiness then keeps it there, as in Pacemaker; so when it started elsewhere,
     * it is moved to {@code node} and the move constraint cleared again (stickiness keeps it there).
     */
    public JsonNode settleOn(ClusterNode observer, String unit, String node, Duration limit)
            throws IOException, InterruptedException {
        JsonNode started = observer.awaitStatus(unit + " started", limit, status -> startedOn(status, unit).isPresent());
        if (startedOn(started, unit).filter(node::equals).isEmpty()) {
            observer.post("/cluster/resources/" + unit + "/move", java.util.Map.of("node", node));
            awaitStartedOn(observer, unit, node, limit);
            observer.post("/cluster/resources/" + unit + "/clear", null);
        }
        awaitFormed(limit);
        return awaitStartedOn(observer, unit, node, limit);
    }

    /**
     * Waits until the cluster has formed: every running node is quorate in the same view and sees every running
     * node online or standby. A fault injected before that hits a membership still settling (three JVMs starting on
     * two cores can form two views at first, which MERGE3 joins a few seconds later), not the steady state that the
     * test means to disturb.
     */
    public void awaitFormed(Duration limit) throws IOException, InterruptedException {
        List<ClusterNode> running = nodes.values().stream().filter(ClusterNode::isAlive).toList();
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no status yet";
        while (true) {
            Optional<String> why = notFormed(running);
            if (why.isEmpty()) {
                return;
            }
            last = why.get();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("cluster not formed within " + limit + ": " + last);
            }
            Thread.sleep(250);
        }
    }

    /** Why the running nodes have not formed one cluster; empty when they have. */
    private static Optional<String> notFormed(List<ClusterNode> running) throws InterruptedException {
        Long viewId = null;
        for (ClusterNode node : running) {
            JsonNode status;
            try {
                status = node.status();
            } catch (IOException | AssertionError e) {
                return Optional.of(node.name() + ": " + e.getMessage());
            }
            if (!status.path("quorate").asBoolean()) {
                return Optional.of(node.name() + " not quorate: " + status.path("quorum"));
            }
            long id = status.path("viewId").asLong(-1);
            if (viewId != null && viewId != id) {
                return Optional.of(node.name() + " in view " + id + ", another node in view " + viewId);
            }
            viewId = id;
            for (ClusterNode peer : running) {
                String state = nodeState(status, peer.name());
                if (!state.equals("online") && !state.equals("standby")) {
                    return Optional.of(node.name() + " sees " + peer.name() + " " + state);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Polls {@code observer}'s status for {@code period} and fails as soon as {@code unit} is not
     * started on {@code node}: it stays there (no failback, no restart elsewhere).
     */
    public void assertStaysOn(ClusterNode observer, String unit, String node, Duration period)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + period.toNanos();
        do {
            JsonNode status = observer.status();
            if (startedOn(status, unit).filter(node::equals).isEmpty()) {
                throw new AssertionError(unit + " left " + node + ": " + status + "\n" + observer.statusTextOrWhy());
            }
            Thread.sleep(250);
        } while (System.nanoTime() < end);
    }

    /** The node's state word ({@code online}, {@code standby}, {@code offline}, ...) in a status document. */
    public static String nodeState(JsonNode status, String node) {
        for (JsonNode entry : status.path("nodes")) {
            if (node.equals(entry.path("name").asText())) {
                return entry.path("state").asText();
            }
        }
        return "absent";
    }

    /** The client's iSCSI URL of LUN 0 of the seeded target on the VIP. */
    public String vipLunUrl() {
        return new IscsiEndpoint(lab.vip(), ClusterNode.ISCSI_PORT, ClusterConfigFile.TARGET, 0).lunUrl();
    }

    /** {@code iscsi-inq -e 1 -c PAGE URL} from the client namespace: the VPD page as the tool prints it. */
    public ToolResult inquiry(String page, Duration limit) throws IOException, InterruptedException {
        return lab.inNamespace(ClusterLab.CLIENT, "iscsi-inq", "-e", "1", "-c", page, vipLunUrl()).timeout(limit).run();
    }

    /**
     * Starts {@link IscsiBlockTool} {@code write-sequence} in the client namespace against the VIP:
     * sequenced blocks 0..count-1 of {@code runId} at 4 KiB blocks {@code firstBlock}..., output to {@code log}.
     */
    public ReplicatedPair.SequenceWriter startSequenceWriter(long runId, long firstBlock, long count, Path log)
            throws IOException {
        List<String> command = List.of("ip", "netns", "exec", lab.namespace(ClusterLab.CLIENT), javaBinary(), "-cp",
                testClassesLocation(), IscsiBlockTool.class.getName(), "write-sequence", lab.vip(),
                Integer.toString(ClusterNode.ISCSI_PORT), ClusterConfigFile.TARGET, "0", Long.toString(runId),
                Long.toString(firstBlock), Long.toString(count));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        return new ReplicatedPair.SequenceWriter(process, log);
    }

    /** One {@link VipWriteReadProbe} from the client: a 4 KiB write and its read-back through the VIP, bounded by {@code limit}. */
    public ToolResult writeReadThroughVip(long block, long runId, long sequence, Duration limit)
            throws IOException, InterruptedException {
        return lab.inNamespace(ClusterLab.CLIENT, javaBinary(), "-cp", testClassesLocation(),
                VipWriteReadProbe.class.getName(), lab.vip(), Integer.toString(ClusterNode.ISCSI_PORT),
                ClusterConfigFile.TARGET, "0", Long.toString(block), Long.toString(runId), Long.toString(sequence))
                .timeout(limit).run();
    }

    /**
     * Runs {@link ReservationProbe} in the client namespace against LUN 0 on the VIP: {@code action} (and {@code key},
     * hex, or null) as initiator {@code initiator} with ISID qualifier {@code qualifier}; bounded by {@code limit}.
     */
    public ToolResult reservationThroughVip(String initiator, int qualifier, String action, String key, Duration limit)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-cp", testClassesLocation(),
                ReservationProbe.class.getName(), lab.vip(), Integer.toString(ClusterNode.ISCSI_PORT),
                ClusterConfigFile.TARGET, "0", initiator, Integer.toString(qualifier), action));
        if (key != null) {
            command.add(key);
        }
        return lab.inNamespace(ClusterLab.CLIENT, command).timeout(limit).run();
    }

    /**
     * Repeats {@link #writeReadThroughVip} (each bounded by 5 s) at 4 KiB block {@code block} until one
     * succeeds; returns the time from {@code sinceNanos} ({@link System#nanoTime()}) to the end of that
     * probe. The resolution is one probe (a JVM start plus a login: a few hundred milliseconds).
     */
    public Duration awaitVipServing(long sinceNanos, long block, Duration limit) throws IOException, InterruptedException {
        long deadline = sinceNanos + limit.toNanos();
        ToolResult last = null;
        for (long attempt = 0; System.nanoTime() < deadline; attempt++) {
            last = writeReadThroughVip(block, sinceNanos, attempt, Duration.ofSeconds(5));
            if (last.succeeded()) {
                return Duration.ofNanos(System.nanoTime() - sinceNanos);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no 4 KiB write+read through the VIP within " + limit + "; last probe: "
                + (last == null ? "none" : last.describe()));
    }

    /** Copies the whole LUN through the VIP into {@code destination} ({@code qemu-img convert} in the client namespace). */
    public ToolResult readLunThroughVip(Path destination, Duration limit) throws IOException, InterruptedException {
        return lab.inNamespace(ClusterLab.CLIENT, "qemu-img", "convert", "-f", "raw", "-O", "raw", vipLunUrl(),
                destination.toString()).timeout(limit).run();
    }

    /** Stops every node (keeping logs) and removes the lab. Never throws. */
    @Override
    public void close() {
        try {
            nodes.values().forEach(ClusterNode::close);
        } finally {
            lab.close();
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String testClassesLocation() {
        try {
            return Path.of(IscsiBlockTool.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("test classes location", e);
        }
    }
}
