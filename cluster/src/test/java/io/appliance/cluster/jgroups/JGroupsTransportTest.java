package io.appliance.cluster.jgroups;

import static io.appliance.cluster.jgroups.TestClusters.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.appliance.cluster.jgroups.TestClusters.Recorder;
import io.appliance.cluster.runtime.MembershipView;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterTransportKind;
import io.appliance.config.cluster.NodeRole;
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
        JGroupsTransport transport = new JGroupsTransport(definition, node);
        transports.add(transport);
        Recorder recorder = new Recorder();
        transport.start(recorder);
        return recorder;
    }

    private static boolean hasView(Recorder recorder, List<String> members) {
        MembershipView view = recorder.lastView();
        return view != null && view.members().size() == members.size() && view.members().containsAll(members);
    }

    @Test
    void threeMembersFormOneViewLedByTheOldestMember() throws Exception {
        ClusterDefinition definition = TestClusters.definition("form", ClusterTransportKind.TCP, 27100, 3,
                TestClusters.SECRET);
        Recorder node2 = start(definition, "node2");
        Recorder node3 = start(definition, "node3");
        Recorder node1 = start(definition, "node1");

        assertThat(await(FORM_LIMIT, () -> List.of(node1, node2, node3).stream().allMatch(r -> hasView(r, THREE))))
                .as("views: node1 %s, node2 %s, node3 %s", node1.views, node2.views, node3.views).isTrue();
        assertThat(node1.lastView().coordinator()).isEqualTo("node2");
        assertThat(node2.lastView().id()).isEqualTo(node1.lastView().id());
        assertThat(node3.lastView().id()).isEqualTo(node1.lastView().id());
    }

    @Test
    void broadcastsAndSendsArriveInOrderAndTheSenderHearsItsOwnBroadcasts() throws Exception {
        ClusterDefinition definition = TestClusters.definition("order", ClusterTransportKind.TCP, 27400, 3,
                TestClusters.SECRET);
        Recorder node1 = start(definition, "node1");
        Recorder node2 = start(definition, "node2");
        Recorder node3 = start(definition, "node3");
        assertThat(await(FORM_LIMIT, () -> List.of(node1, node2, node3).stream().allMatch(r -> hasView(r, THREE))))
                .isTrue();
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
        Recorder node1 = start(good, "node1");
        Recorder node2 = start(good, "node2");
        Recorder node3 = start(good, "node3");
        assertThat(await(FORM_LIMIT, () -> List.of(node1, node2, node3).stream().allMatch(r -> hasView(r, THREE))))
                .isTrue();
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
    void twoNodesThatStartedApartMergeIntoOneView() throws Exception {
        int basePort = 29200;
        ClusterDefinition definition = TestClusters.definition("merge", ClusterTransportKind.TCP, basePort, 2,
                TestClusters.SECRET);
        // node2 is told a wrong address for node1, so its discovery finds nobody and it starts alone.
        ClusterDefinition blind = new ClusterDefinition("merge", ClusterTransportKind.TCP, 7800, definition.timing(),
                definition.authKey(), definition.quorum(), definition.fencing(),
                List.of(ClusterNodeDefinition.of("node1", NodeRole.STORAGE, List.of("127.0.0.1:" + (basePort + 50))),
                        definition.nodes().get(1)),
                definition.resources());
        Recorder node1 = start(definition, "node1");
        Recorder node2 = start(blind, "node2");
        assertThat(node2.views).isNotEmpty();
        assertThat(node2.views.get(0).members()).containsExactly("node2");

        long apartAt = System.nanoTime();
        boolean merged = await(Duration.ofSeconds(20), () -> hasView(node1, List.of("node1", "node2"))
                && hasView(node2, List.of("node1", "node2")));
        System.out.println("[measure] two singleton views merged after "
                + Duration.ofNanos(System.nanoTime() - apartAt).toMillis() + " ms");
        assertThat(merged).as("views: %s / %s", node1.views, node2.views).isTrue();
    }

    @Test
    void theUdpVariantFormsAViewAndDelivers() throws Exception {
        ClusterDefinition definition = TestClusters.definition("udp", ClusterTransportKind.UDP, 28600, 3,
                TestClusters.SECRET);
        Recorder node1 = start(definition, "node1");
        Recorder node2 = start(definition, "node2");
        Recorder node3 = start(definition, "node3");
        assertThat(await(FORM_LIMIT, () -> List.of(node1, node2, node3).stream().allMatch(r -> hasView(r, THREE))))
                .as("views: %s %s %s", node1.views, node2.views, node3.views).isTrue();
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
}
