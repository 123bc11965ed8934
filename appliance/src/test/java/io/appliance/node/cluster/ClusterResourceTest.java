package io.appliance.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appliance.cluster.agent.OcfStatus;
import io.appliance.cluster.fence.FenceOutcome;
import io.appliance.cluster.jgroups.RingStatus;
import io.appliance.cluster.placement.LocalState;
import io.appliance.cluster.placement.QuorumState;
import io.appliance.cluster.runtime.AdminChange;
import io.appliance.cluster.runtime.ClusterEvent;
import io.appliance.cluster.runtime.ClusterStatus;
import io.appliance.cluster.runtime.FailureRecord;
import io.appliance.cluster.runtime.FenceRecord;
import io.appliance.cluster.runtime.NodeStatus;
import io.appliance.cluster.runtime.ResourceStatus;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.NodeRole;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST surface over a fake cluster stack. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ClusterResourceTest {

    private static final ObjectMapper MAPPER = Jackson.newObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-22T10:15:03Z");
    private static volatile Optional<ClusterOperations> cluster = Optional.empty();
    private static final ResourceExtension API = ResourceExtension.builder()
            .setMapper(MAPPER)
            .addProvider(new ClusterExceptionMapper())
            .addResource(new ClusterResource(() -> cluster, Clock.fixed(NOW, ZoneOffset.UTC)))
            .build();

    private FakeCluster fake;

    /** Records admin changes; answers with a version, or fails like a cluster without quorum. */
    static final class FakeCluster implements ClusterOperations {
        final ClusterDefinition definition;
        final List<String> changes = new CopyOnWriteArrayList<>();
        final List<Consumer<ClusterEvent>> listeners = new CopyOnWriteArrayList<>();
        volatile boolean quorate = true;

        FakeCluster(ClusterDefinition definition) {
            this.definition = definition;
        }

        @Override
        public ClusterDefinition definition() {
            return definition;
        }

        @Override
        public ClusterStatus status() {
            return new ClusterStatus("node1", "node2", true, new QuorumState(true, 3, 2, "3 of 3 votes, 2 needed"), 7,
                    List.of(new NodeStatus("node1", NodeRole.STORAGE, 1, "online", ""),
                            new NodeStatus("node2", NodeRole.STORAGE, 1, "online", ""),
                            new NodeStatus("witness", NodeRole.WITNESS, 1, "online", "")),
                    List.of(new ResourceStatus("disk", "replicated-disk", "g-iscsi", "node2",
                                    Map.of("node2", LocalState.STARTED), Map.of("node1", 1), "Started node2", "preferred"),
                            new ResourceStatus("extra", "Dummy", null, null, Map.of(), Map.of(), "Stopped", "target-role")),
                    List.of(new FailureRecord("disk", "monitor", "node1", OcfStatus.NOT_RUNNING, "demoted", NOW, 1, 2)),
                    List.of(new FenceRecord("node1", FenceOutcome.SUCCESS, "lab-fence off", NOW)), false, 4);
        }

        @Override
        public List<RingStatus> rings() {
            return List.of(new RingStatus(0, "10.0.3.1", List.of(new RingStatus.Peer("node2", false, Duration.ofMillis(5250)),
                            new RingStatus.Peer("witness", true, Duration.ofMillis(120)))),
                    new RingStatus(1, "10.0.4.1", List.of(new RingStatus.Peer("node2", true, Duration.ZERO),
                            new RingStatus.Peer("witness", true, Duration.ZERO))));
        }

        @Override
        public String statusText(Instant now) {
            return "Cluster Summary:\n  * Last updated: " + now + "\n";
        }

        @Override
        public CompletionStage<Long> change(AdminChange.Kind kind, String resource, String node, boolean enabled) {
            changes.add(kind + " " + resource + " " + node + " " + enabled);
            if (!quorate) {
                return CompletableFuture.failedFuture(new ClusterException.Unavailable(
                        "no coordinator with quorum applied the change within 10 s"));
            }
            return CompletableFuture.completedFuture(5L);
        }

        @Override
        public AutoCloseable subscribe(Consumer<ClusterEvent> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }
    }

    @BeforeEach
    void configure() throws Exception {
        fake = new FakeCluster(ClusterConfigurationTest.definition(ClusterConfigurationTest.FULL));
        cluster = Optional.of(fake);
    }

    @Test
    void statusAsJsonWithTheDocumentedFields() throws Exception {
        JsonNode status = body(API.target("/api/v1/cluster").request().get(), 200);
        assertThat(status.path("localNode").asText()).isEqualTo("node1");
        assertThat(status.path("coordinator").asText()).isEqualTo("node2");
        assertThat(status.path("quorate").asBoolean()).isTrue();
        assertThat(status.path("quorum").path("neededVotes").asInt()).isEqualTo(2);
        assertThat(status.path("quorum").path("reason").asText()).isEqualTo("3 of 3 votes, 2 needed");
        assertThat(status.path("viewId").asLong()).isEqualTo(7);
        assertThat(status.path("adminVersion").asLong()).isEqualTo(4);
        assertThat(status.path("nodes").get(2).path("role").asText()).isEqualTo("witness");
        JsonNode disk = status.path("resources").get(0);
        assertThat(disk.path("states").path("node2").asText()).isEqualTo("STARTED");
        assertThat(disk.path("failCounts").path("node1").asInt()).isEqualTo(1);
        assertThat(disk.path("summary").asText()).isEqualTo("Started node2");
        assertThat(status.path("resources").get(1).path("group").isNull()).isTrue();
        JsonNode failure = status.path("failures").get(0);
        assertThat(failure.path("status").asText()).isEqualTo("not running");
        assertThat(failure.path("code").asInt()).isEqualTo(7);
        assertThat(failure.path("at").asText()).isEqualTo("2026-11-22T10:15:03Z");
        assertThat(status.path("fencing").get(0).path("outcome").asText()).isEqualTo("SUCCESS");

        String text = API.target("/api/v1/cluster/status").request(MediaType.TEXT_PLAIN_TYPE).get(String.class);
        assertThat(text).startsWith("Cluster Summary:").contains(NOW.toString());
    }

    @Test
    void ringsShowEveryPeerPerRing() throws Exception {
        JsonNode rings = body(API.target("/api/v1/cluster/rings").request().get(), 200);
        assertThat(rings).hasSize(2);
        assertThat(rings.get(0).path("faultFree").asBoolean()).isFalse();
        assertThat(rings.get(0).path("peers").get(0).path("silentMs").asLong()).isEqualTo(5250);
        assertThat(rings.get(1).path("faultFree").asBoolean()).isTrue();
    }

    @Test
    void withoutClusterSectionEveryPathIs404() throws Exception {
        cluster = Optional.empty();
        assertThat(error(API.target("/api/v1/cluster").request().get(), 404))
                .isEqualTo("clustering is not configured on this node");
        error(post("nodes/node1/standby", null), 404);
    }

    @Test
    void adminChangesReachTheClusterAndAnswerTheVersion() throws Exception {
        assertThat(body(post("nodes/node2/standby", null), 200).path("adminVersion").asLong()).isEqualTo(5);
        body(post("nodes/node2/online", null), 200);
        body(post("resources/g-iscsi/move", "{\"node\":\"node1\"}"), 200);
        body(post("resources/g-iscsi/move", null), 200);
        body(post("resources/disk/ban", "{\"node\":\"node1\"}"), 200);
        body(post("resources/g-iscsi/clear", null), 200);
        body(post("resources/disk/cleanup", "{\"node\":\"node1\"}"), 200);
        body(post("resources/disk/cleanup", null), 200);
        body(post("maintenance", "{\"enabled\":true}"), 200);
        assertThat(fake.changes).containsExactly(
                "STANDBY null node2 true",
                "ONLINE null node2 false",
                "MOVE g-iscsi node1 true",
                "BAN g-iscsi node2 true",
                "BAN disk node1 true",
                "CLEAR g-iscsi null false",
                "CLEANUP disk node1 false",
                "CLEANUP disk null false",
                "MAINTENANCE null null true");
    }

    @Test
    void unknownNamesAre404BadBodies400NoQuorum503() throws Exception {
        assertThat(error(post("nodes/node9/standby", null), 404)).startsWith("no node node9 in the cluster");
        assertThat(error(post("resources/nope/clear", null), 404)).startsWith("no resource or group nope");
        assertThat(error(post("resources/disk/move", "{\"node\":\"node9\"}"), 404)).startsWith("no node node9");
        assertThat(error(post("resources/disk/ban", null), 400)).startsWith("field 'node': is required");
        assertThat(error(post("resources/disk/ban", "{\"node\":7}"), 400)).startsWith("field 'node'");
        assertThat(error(post("resources/extra/move", null), 400)).contains("is not running anywhere");
        assertThat(error(post("maintenance", "{\"enabled\":\"yes\"}"), 400)).startsWith("field 'enabled'");
        fake.quorate = false;
        assertThat(error(post("nodes/node2/standby", null), 503)).startsWith("no coordinator with quorum");
        assertThat(fake.changes).containsExactly("STANDBY null node2 true");
    }

    @Test
    void eventsNowPrintsTheCurrentStateAndTheStreamFollowsEvents() throws Exception {
        String now = API.target("/api/v1/cluster/events").queryParam("now", true).request(MediaType.TEXT_PLAIN_TYPE)
                .get(String.class);
        assertThat(now.lines()).containsExactly(
                NOW + " node node1 online", NOW + " node node2 online", NOW + " node witness online",
                NOW + " resource disk Started node2", NOW + " resource extra Stopped");

        ClusterResource resource = new ClusterResource(() -> cluster, Clock.fixed(NOW, ZoneOffset.UTC));
        StreamingOutput output = (StreamingOutput) resource.events(false).getEntity();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream synchronizedOut = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (written) {
                    written.write(b);
                }
            }
        };
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                output.write(synchronizedOut);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            assertThat(fake.listeners).hasSize(1);
            fake.listeners.forEach(listener -> listener.accept(new ClusterEvent(NOW, "resource", "vip", "started node2 took=120ms")));
            fake.listeners.forEach(listener -> listener.accept(new ClusterEvent(NOW.plusSeconds(1), "node", "node1", "offline")));
            Waits.until(Duration.ofSeconds(10), "two event lines written", () -> text(written).lines().count() == 2);
            assertThat(text(written).lines()).containsExactly(
                    "2026-11-22T10:15:03Z resource vip started node2 took=120ms", "2026-11-22T10:15:04Z node node1 offline");
        } finally {
            resource.endEventStreams();
            writer.get(10, TimeUnit.SECONDS);
        }
        assertThat(fake.listeners).as("the stream unsubscribed at its end").isEmpty();
    }

    private static String text(ByteArrayOutputStream written) {
        synchronized (written) {
            return written.toString(StandardCharsets.UTF_8);
        }
    }

    private static Response post(String path, String json) {
        return API.target("/api/v1/cluster/" + path).request()
                .post(json == null ? Entity.text("") : Entity.entity(json, MediaType.APPLICATION_JSON_TYPE));
    }

    private static JsonNode body(Response response, int status) throws Exception {
        String text = response.readEntity(String.class);
        assertThat(response.getStatus()).as(text).isEqualTo(status);
        return MAPPER.readTree(text);
    }

    private static String error(Response response, int status) throws Exception {
        JsonNode body = body(response, status);
        assertThat(body.path("message").asText()).isEqualTo(body.path("error").asText());
        return body.path("error").asText();
    }
}
