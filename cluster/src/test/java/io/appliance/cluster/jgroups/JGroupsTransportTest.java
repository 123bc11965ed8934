package io.appliance.cluster.jgroups;

import static io.appliance.cluster.jgroups.TestClusters.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.appliance.cluster.jgroups.TestClusters.Recorder;
import io.appliance.cluster.runtime.MembershipView;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterTransportKind;
import io.appliance.config.cluster.HeartbeatTiming;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JGroupsTransportTest {

    private static final Duration FORM_LIMIT = Duration.ofSeconds(20);
    private static final List<String> THREE = List.of("node1", "node2", "node3");

    private final List<JGroupsTransport> transports = new ArrayList<>();
    private final List<Process> children = new ArrayList<>();
    private final List<Path> childLogs = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        transports.forEach(JGroupsTransport::close);
        for (Process child : children) {
            child.destroyForcibly().waitFor();
        }
        for (Path log : childLogs) {
            Files.deleteIfExists(log);
        }
    }

    private Recorder start(ClusterDefinition definition, String node) throws Exception {
        return start(definition, node, null);
    }

    private Recorder start(ClusterDefinition definition, String node, JGroupsTransport.RingStateListener rings)
            throws Exception {
        JGroupsTransport transport = new JGroupsTransport(definition, node);
        transport.ringStateListener(rings);
        transports.add(transport);
        Recorder recorder = new Recorder();
        transport.start(recorder);
        return recorder;
    }

    /** Starts the nodes in this order and waits until each has the view of all of them. */
    private List<Recorder> startFormed(ClusterDefinition definition, String... nodes) throws Exception {
        List<Recorder> recorders = new ArrayList<>();
        for (String node : nodes) {
            recorders.add(start(definition, node));
        }
        List<String> all = List.of(nodes);
        assertThat(await(FORM_LIMIT, () -> recorders.stream().allMatch(r -> hasView(r, all))))
                .as("views: %s", recorders.get(0).views).isTrue();
        return recorders;
    }

    /** Two nodes of a cluster with this timing, started and formed. */
    private List<Recorder> startFormedPair(String cluster, int basePort, HeartbeatTiming timing) throws Exception {
        ClusterDefinition definition = TestClusters.definition(cluster, ClusterTransportKind.TCP, basePort, 2,
                TestClusters.SECRET);
        return startFormed(TestClusters.withTiming(definition, timing), "node1", "node2");
    }

    private static HeartbeatTiming withInitdead(HeartbeatTiming timing, Duration initdead) {
        return new HeartbeatTiming(timing.keepalive(), timing.warntime(), timing.deadtime(), initdead);
    }

    private static boolean hasView(Recorder recorder, List<String> members) {
        MembershipView view = recorder.lastView();
        return view != null && view.members().size() == members.size() && view.members().containsAll(members);
    }

    @Test
    void threeMembersFormOneViewLedByTheOldestMember() throws Exception {
        ClusterDefinition definition = TestClusters.definition("form", ClusterTransportKind.TCP, 27100, 3,
                TestClusters.SECRET);
        List<Recorder> formed = startFormed(definition, "node2", "node3", "node1");
        Recorder node2 = formed.get(0);
        Recorder node3 = formed.get(1);
        Recorder node1 = formed.get(2);

        assertThat(node1.lastView().coordinator()).isEqualTo("node2");
        assertThat(node2.lastView().id()).isEqualTo(node1.lastView().id());
        assertThat(node3.lastView().id()).isEqualTo(node1.lastView().id());
    }

    @Test
    void broadcastsAndSendsArriveInOrderAndTheSenderHearsItsOwnBroadcasts() throws Exception {
        ClusterDefinition definition = TestClusters.definition("order", ClusterTransportKind.TCP, 27400, 3,
                TestClusters.SECRET);
        List<Recorder> formed = startFormed(definition, "node1", "node2", "node3");
        Recorder node1 = formed.get(0);
        Recorder node2 = formed.get(1);
        Recorder node3 = formed.get(2);
        JGroupsTransport sender1 = transports.get(0);
        JGroupsTransport sender2 = transports.get(1);

        int count = 300;
        List<String> broadcasts = IntStream.range(0, count).mapToObj(i -> "node1:b" + i).toList();
        List<String> sends = IntStream.range(0, count).mapToObj(i -> "node2:s" + i).toList();
        for (int i = 0; i < count; i++) {
            sender1.broadcast(("b" + i).getBytes(StandardCharsets.UTF_8));
            sender2.send("node3", ("s" + i).getBytes(StandardCharsets.UTF_8));
        }
        sender2.send("node9", "to a node that is not there".getBytes(StandardCharsets.UTF_8));

        for (Recorder recorder : List.of(node1, node2, node3)) {
            assertThat(await(FORM_LIMIT, () -> recorder.messagesMatching(m -> m.startsWith("node1:b")).size() >= count))
                    .isTrue();
            assertThat(recorder.messagesMatching(m -> m.startsWith("node1:b"))).containsExactlyElementsOf(broadcasts);
        }
        assertThat(await(FORM_LIMIT, () -> node3.messagesMatching(m -> m.startsWith("node2:s")).size() >= count))
                .isTrue();
        assertThat(node3.messagesMatching(m -> m.startsWith("node2:s"))).containsExactlyElementsOf(sends);
        assertThat(node1.messagesMatching(m -> m.startsWith("node2:s"))).isEmpty();
        assertThat(node2.messagesMatching(m -> m.startsWith("node2:s"))).isEmpty();
    }

    @Test
    void aKilledMemberLeavesTheViewWithinDeadtime() throws Exception {
        int basePort = 27700;
        ClusterDefinition definition = TestClusters.definition("kill", ClusterTransportKind.TCP, basePort, 3,
                TestClusters.SECRET);
        Recorder node1 = start(definition, "node1");
        Recorder node2 = start(definition, "node2");
        Process child = startChild("kill", basePort, 3, "node3");
        assertThat(await(FORM_LIMIT, () -> hasView(node1, THREE) && hasView(node2, THREE)))
                .as("views with the child: %s", node1.views).isTrue();

        long killedAt = System.nanoTime();
        child.destroyForcibly();
        boolean gone = await(Duration.ofSeconds(10),
                () -> hasView(node1, List.of("node1", "node2")) && hasView(node2, List.of("node1", "node2")));
        Duration detection = Duration.ofNanos(System.nanoTime() - killedAt);
        System.out.println("[measure] killed member (SIGKILL) left the view after " + detection.toMillis() + " ms");
        assertThat(gone).isTrue();
        assertThat(detection).isLessThan(definition.timing().deadtime().plusSeconds(1));
    }

    @Test
    void aHungMemberLeavesTheViewAfterAboutDeadtime() throws Exception {
        int basePort = 28000;
        ClusterDefinition definition = TestClusters.definition("hang", ClusterTransportKind.TCP, basePort, 3,
                TestClusters.SECRET);
        Recorder node1 = start(definition, "node1");
        Recorder node2 = start(definition, "node2");
        Process child = startChild("hang", basePort, 3, "node3");
        assertThat(await(FORM_LIMIT, () -> hasView(node1, THREE) && hasView(node2, THREE))).isTrue();

        long stoppedAt = System.nanoTime();
        signal("STOP", child);
        try {
            boolean gone = await(Duration.ofSeconds(15),
                    () -> hasView(node1, List.of("node1", "node2")) && hasView(node2, List.of("node1", "node2")));
            Duration detection = Duration.ofNanos(System.nanoTime() - stoppedAt);
            System.out.println("[measure] hung member (SIGSTOP) left the view after " + detection.toMillis() + " ms"
                    + " (deadtime " + definition.timing().deadtime().toMillis() + " ms)");
            assertThat(gone).isTrue();
            assertThat(detection).isLessThan(definition.timing().deadtime().plusSeconds(2));
        } finally {
            signal("CONT", child);
        }
    }

    @Test
    void aNodeWithAnotherSecretStaysAloneAndCannotInject() throws Exception {
        ClusterDefinition good = TestClusters.definition("secret", ClusterTransportKind.TCP, 28300, 4,
                TestClusters.SECRET);
        ClusterDefinition other = TestClusters.definition("secret", ClusterTransportKind.TCP, 28300, 4,
                "another-secret-1");
        List<Recorder> formed = startFormed(good, "node1", "node2", "node3");
        Recorder node1 = formed.get(0);
        Recorder node2 = formed.get(1);
        Recorder node3 = formed.get(2);
        long viewsBefore = node1.views.size();

        Recorder intruder = start(other, "node4");
        JGroupsTransport intruderTransport = transports.get(3);
        Address node1Address = transports.get(0).channel().address();
        intruderTransport.broadcast("broadcast from the intruder".getBytes(StandardCharsets.UTF_8));
        intruderTransport.send("node1", "send from the intruder".getBytes(StandardCharsets.UTF_8));
        intruderTransport.channel().send(new BytesMessage(node1Address, "injected".getBytes(StandardCharsets.UTF_8)));
        intruderTransport.channel().send(new BytesMessage(null, "injected multicast".getBytes(StandardCharsets.UTF_8)));

        // MERGE3 runs every 1..3 s: wait past two rounds and check that nothing merged.
        Thread.sleep(7_000);
        assertThat(intruder.lastView().members()).containsExactly("node4");
        for (Recorder recorder : List.of(node1, node2, node3)) {
            assertThat(recorder.lastView().members()).isEqualTo(THREE);
            assertThat(recorder.messagesMatching(m -> m.startsWith("node4:"))).isEmpty();
        }
        assertThat(node1.views).hasSize((int) viewsBefore);
        assertThat(intruder.messages)
                .containsExactlyInAnyOrder("node4:broadcast from the intruder", "node4:injected multicast");

        transports.get(1).send("node1", "still working".getBytes(StandardCharsets.UTF_8));
        assertThat(await(Duration.ofSeconds(5), () -> node1.messages.contains("node2:still working"))).isTrue();
    }

    @Test
    void twoViewsMergeIntoOneWhenAPartitionHeals() throws Exception {
        ClusterDefinition definition = TestClusters.definition("merge", ClusterTransportKind.TCP, 29200, 2,
                TestClusters.SECRET);
        List<Recorder> formed = startFormed(definition, "node1", "node2");
        Recorder node1 = formed.get(0);
        Recorder node2 = formed.get(1);
        transports.forEach(JGroupsTransportTest::cutRing0);
        assertThat(await(definition.timing().deadtime().multipliedBy(3),
                () -> hasView(node1, List.of("node1")) && hasView(node2, List.of("node2"))))
                .as("views: %s / %s", node1.views, node2.views).isTrue();

        long healedAt = System.nanoTime();
        transports.forEach(JGroupsTransportTest::healRing0);
        boolean merged = await(Duration.ofSeconds(20), () -> hasView(node1, List.of("node1", "node2"))
                && hasView(node2, List.of("node1", "node2")));
        System.out.println("[measure] two views merged " + Duration.ofNanos(System.nanoTime() - healedAt).toMillis()
                + " ms after the partition healed");
        assertThat(merged).as("views: %s / %s", node1.views, node2.views).isTrue();
    }

    @Test
    void theUdpVariantFormsAViewAndDelivers() throws Exception {
        ClusterDefinition definition = TestClusters.definition("udp", ClusterTransportKind.UDP, 28600, 3,
                TestClusters.SECRET);
        List<Recorder> formed = startFormed(definition, "node1", "node2", "node3");
        Recorder node1 = formed.get(0);
        Recorder node2 = formed.get(1);
        Recorder node3 = formed.get(2);
        transports.get(2).broadcast("over udp".getBytes(StandardCharsets.UTF_8));
        assertThat(await(Duration.ofSeconds(5), () -> List.of(node1, node2, node3).stream()
                .allMatch(r -> r.messages.contains("node3:over udp")))).isTrue();
    }

    @Test
    void closingTwiceIsFineAndTheOthersSeeTheLeaveAtOnce() throws Exception {
        ClusterDefinition definition = TestClusters.definition("close", ClusterTransportKind.TCP, 28900, 2,
                TestClusters.SECRET);
        Recorder node1 = start(definition, "node1");
        start(definition, "node2");
        assertThat(await(FORM_LIMIT, () -> hasView(node1, List.of("node1", "node2")))).isTrue();

        JGroupsTransport node2 = transports.get(1);
        long closedAt = System.nanoTime();
        node2.close();
        assertThatCode(node2::close).doesNotThrowAnyException();
        assertThatCode(() -> node2.broadcast(new byte[] {1})).doesNotThrowAnyException();
        assertThatCode(() -> node2.send("node1", new byte[] {1})).doesNotThrowAnyException();
        assertThat(await(Duration.ofSeconds(5), () -> hasView(node1, List.of("node1")))).isTrue();
        System.out.println("[measure] graceful leave seen after "
                + Duration.ofNanos(System.nanoTime() - closedAt).toMillis() + " ms");
    }

    private Process startChild(String cluster, int basePort, int nodeCount, String node) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = Files.createTempFile("jgroups-child-" + node, ".log");
        childLogs.add(log);
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, ChildNodeMain.class.getName(), cluster, Integer.toString(basePort),
                Integer.toString(nodeCount), node)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(process);
        return process;
    }

    private static void signal(String signal, Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    @Test
    void withRing1AMemberStaysWhileRing0IsCutAndMessagesStillArrive() throws Exception {
        ClusterDefinition definition = TestClusters.withRing1("rings", 29500, 2);
        List<String> ringChanges = new java.util.concurrent.CopyOnWriteArrayList<>();
        Recorder node1 = start(definition, "node1", (ring, peer, up) -> ringChanges.add("ring" + ring + " " + peer
                + (up ? " up" : " down")));
        Recorder node2 = start(definition, "node2");
        List<String> both = List.of("node1", "node2");
        assertThat(await(FORM_LIMIT, () -> hasView(node1, both) && hasView(node2, both))).isTrue();
        int views = node1.views.size();

        transports.forEach(JGroupsTransportTest::cutRing0);
        // without ring1 the same cut splits the view within deadtime (the next test); here nothing may change
        Thread.sleep(definition.timing().deadtime().multipliedBy(3).toMillis());
        assertThat(node1.views).hasSize(views);
        assertThat(hasView(node2, both)).isTrue();
        transports.get(0).broadcast("b-over-ring1".getBytes(StandardCharsets.UTF_8));
        transports.get(1).send("node1", "s-over-ring1".getBytes(StandardCharsets.UTF_8));
        assertThat(await(Duration.ofSeconds(5), () -> node2.messages.contains("node1:b-over-ring1")
                && node1.messages.contains("node2:s-over-ring1"))).isTrue();
        assertThat(ringChanges).contains("ring0 node2 down").doesNotContain("ring1 node2 down");
        List<RingStatus> rings = transports.get(0).ringStatus();
        assertThat(rings).extracting(RingStatus::ring, RingStatus::localAddress, RingStatus::faultFree).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, "127.0.0.1:29501", false),
                org.assertj.core.groups.Tuple.tuple(1, "127.0.0.2:29551", true));
        assertThat(rings.get(0).peers().get(0).silentFor()).isGreaterThan(definition.timing().deadtime());
    }

    @Test
    void withoutRing1TheSameCutOfRing0SplitsTheView() throws Exception {
        ClusterDefinition definition = TestClusters.definition("onering", ClusterTransportKind.TCP, 29800, 2,
                TestClusters.SECRET);
        List<Recorder> formed = startFormed(definition, "node1", "node2");
        Recorder node1 = formed.get(0);
        Recorder node2 = formed.get(1);
        List<String> both = List.of("node1", "node2");

        assertThat(transports.get(0).ringStatus()).singleElement().satisfies(ring -> {
            assertThat(ring.ring()).isZero();
            assertThat(ring.faultFree()).as("node2 in the view").isTrue();
        });
        transports.forEach(JGroupsTransportTest::cutRing0);
        assertThat(await(definition.timing().deadtime().multipliedBy(3),
                () -> hasView(node1, List.of("node1")) && hasView(node2, List.of("node2")))).isTrue();
        assertThat(transports.get(0).ringStatus().get(0).faultFree()).as("node2 left the view").isFalse();
    }

    @Test
    void duringInitdeadACutMemberStaysInTheViewUntilTheGraceIsOver() throws Exception {
        HeartbeatTiming timing = withInitdead(TestClusters.TIMING, Duration.ofSeconds(8));
        long startedAt = System.nanoTime();
        List<Recorder> formed = startFormedPair("initdead", 30400, timing);
        Recorder node1 = formed.get(0);
        Recorder node2 = formed.get(1);

        transports.forEach(JGroupsTransportTest::cutRing0);
        boolean split = await(timing.initdead().plus(timing.deadtime()).plusSeconds(5),
                () -> hasView(node1, List.of("node1")) || hasView(node2, List.of("node2")));
        Duration sinceStart = Duration.ofNanos(System.nanoTime() - startedAt);
        System.out.println("[measure] cut during initdead " + timing.initdead().toMillis() + " ms: view split "
                + sinceStart.toMillis() + " ms after start");
        assertThat(split).as("views: %s / %s", node1.views, node2.views).isTrue();
        // each transport's grace began after startedAt, and a member is suspected no earlier than the grace's end
        assertThat(sinceStart).isGreaterThanOrEqualTo(timing.initdead());
    }

    @Test
    void afterInitdeadACutMemberLeavesTheViewAfterAboutDeadtime() throws Exception {
        HeartbeatTiming timing = withInitdead(TestClusters.TIMING, Duration.ofSeconds(6));
        long startedAt = System.nanoTime();
        List<Recorder> formed = startFormedPair("afterinitdead", 30700, timing);
        long graceLeft = timing.initdead().toNanos() - (System.nanoTime() - startedAt);
        if (graceLeft > 0) {
            Thread.sleep(Duration.ofNanos(graceLeft).toMillis() + timing.keepalive().toMillis());
        }

        long cutAt = System.nanoTime();
        transports.forEach(JGroupsTransportTest::cutRing0);
        boolean split = await(timing.initdead().plusSeconds(5),
                () -> hasView(formed.get(0), List.of("node1")) && hasView(formed.get(1), List.of("node2")));
        Duration detection = Duration.ofNanos(System.nanoTime() - cutAt);
        System.out.println("[measure] cut after initdead: view split after " + detection.toMillis() + " ms");
        assertThat(split).as("views: %s / %s", formed.get(0).views, formed.get(1).views).isTrue();
        assertThat(detection).isLessThan(timing.deadtime().plusSeconds(2));
    }

    @Test
    void datagramsOnRing1ThatAreNotThisClustersAreDroppedAndCounted() throws Exception {
        ClusterDefinition definition = TestClusters.withRing1("ringjunk", 30100, 2);
        List<Recorder> formed = startFormed(definition, "node1", "node2");
        Recorder node1 = formed.get(0);
        Recorder node2 = formed.get(1);
        List<String> both = List.of("node1", "node2");
        SecondRing ring = transports.get(0).secondRing();
        assertThat(ring).isNotNull();

        byte[] garbage = new byte[300];
        new java.util.Random(7).nextBytes(garbage);
        byte[] ringMagicWrongCluster = java.nio.ByteBuffer.allocate(64).putInt(0x52494E47).put((byte) 1)
                .putLong(42).array();
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.2"))) {
            java.net.InetSocketAddress target = new java.net.InetSocketAddress("127.0.0.2", 30151);
            socket.send(new java.net.DatagramPacket(garbage, garbage.length, target));
            socket.send(new java.net.DatagramPacket(ringMagicWrongCluster, ringMagicWrongCluster.length, target));
            socket.send(new java.net.DatagramPacket(new byte[0], 0, target));
        }
        assertThat(await(Duration.ofSeconds(5), () -> ring.droppedDatagrams() >= 3)).isTrue();
        transports.get(1).broadcast("after-junk".getBytes(StandardCharsets.UTF_8));
        assertThat(await(Duration.ofSeconds(5), () -> node1.messages.contains("node2:after-junk"))).isTrue();
        assertThat(hasView(node1, both)).isTrue();
    }

    /** Undoes {@link #cutRing0}. */
    private static void healRing0(JGroupsTransport transport) {
        transport.channel().getProtocolStack().removeProtocol(org.jgroups.protocols.DISCARD.class);
    }

    /** Drops every message between this node's transport (ring0) and the layers above it, both ways. */
    private static void cutRing0(JGroupsTransport transport) {
        try {
            org.jgroups.JChannel channel = transport.channel();
            org.jgroups.protocols.DISCARD discard = new org.jgroups.protocols.DISCARD();
            discard.setAddress(channel.getAddress());
            discard.excludeItself(true).discardAll(true);
            channel.getProtocolStack().insertProtocol(discard, org.jgroups.stack.ProtocolStack.Position.ABOVE,
                    org.jgroups.protocols.TCP_NIO2.class);
        } catch (Exception e) {
            throw new IllegalStateException("could not cut ring0", e);
        }
    }
}
