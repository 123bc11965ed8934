package io.appliance.node.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appliance.cluster.jgroups.RingStatus;
import io.appliance.cluster.placement.LocalState;
import io.appliance.cluster.runtime.AdminChange;
import io.appliance.cluster.runtime.ClusterEvent;
import io.appliance.cluster.runtime.ClusterStatus;
import io.appliance.cluster.runtime.NodeStatus;
import io.appliance.cluster.runtime.ResourceStatus;
import io.appliance.config.cluster.ClusterDefinition;
import io.appliance.config.cluster.GroupDefinition;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.node.api.EventLineStream;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code /api/v1/cluster}: the cluster's status (JSON, or crm_mon text), the admin changes
 * (standby/online, move/ban/clear, cleanup, maintenance) and the events stream. Refusals are
 * {@link ClusterException}s, mapped by {@link ClusterExceptionMapper}. An admin change answers
 * {@code {"adminVersion": N}} once the coordinator applied it.
 */
@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public final class ClusterResource {

    /** The longest an admin change waits for the coordinator (the runtime gives up after 10 s). */
    static final Duration CHANGE_WAIT = Duration.ofSeconds(12);
    /** How often an idle events stream wakes up to notice a stopping node. */
    static final Duration EVENTS_POLL = Duration.ofSeconds(1);
    /** Events that may wait for a slow reader before it is dropped. */
    static final int EVENTS_QUEUE_CAPACITY = 1024;

    /** The answer to an admin change. */
    public record ChangeApplied(long adminVersion) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<Optional<ClusterOperations>> cluster;
    private final Clock clock;
    private final Set<EventLineStream<ClusterEvent>> streams = new CopyOnWriteArraySet<>();

    /**
     * @param cluster the running cluster stack; empty when this node has no {@code cluster} section;
     *                throws {@link ClusterException.Unavailable} while the stack is not running
     */
    public ClusterResource(Supplier<Optional<ClusterOperations>> cluster, Clock clock) {
        this.cluster = cluster;
        this.clock = clock;
    }

    @GET
    public ClusterStatusView status() {
        return ClusterStatusView.of(operations().status());
    }

    @GET
    @Path("status")
    @Produces(MediaType.TEXT_PLAIN)
    public String statusText() {
        return operations().statusText(clock.instant());
    }

    /** The heartbeat rings: per ring this node's address and, per peer, heard within deadtime or silent since when. */
    @GET
    @Path("rings")
    public List<RingView> rings() {
        return operations().rings().stream().map(RingView::of).toList();
    }

    /** JSON of a {@link RingStatus}; {@code silentMs} is how long the peer has not been heard on the ring. */
    public record RingView(int ring, String localAddress, boolean faultFree, List<PeerView> peers) {
        static RingView of(RingStatus ring) {
            return new RingView(ring.ring(), ring.localAddress(), ring.faultFree(), ring.peers().stream()
                    .map(peer -> new PeerView(peer.node(), peer.heard(), peer.silentFor().toMillis())).toList());
        }
    }

    public record PeerView(String node, boolean heard, long silentMs) {
    }

    @POST
    @Path("nodes/{node}/standby")
    @Consumes(MediaType.WILDCARD)
    public ChangeApplied standby(@PathParam("node") String node) {
        return onNode(node, AdminChange.Kind.STANDBY, true);
    }

    @POST
    @Path("nodes/{node}/online")
    @Consumes(MediaType.WILDCARD)
    public ChangeApplied online(@PathParam("node") String node) {
        return onNode(node, AdminChange.Kind.ONLINE, false);
    }

    /** Body optional {@code {"node":"node2"}}; without a node the resource is banned from where it runs now. */
    @POST
    @Path("resources/{id}/move")
    @Consumes(MediaType.WILDCARD)
    public ChangeApplied move(@PathParam("id") String id, String body) {
        ClusterOperations operations = operations();
        requireResource(operations.definition(), id);
        Optional<String> node = optionalText(parse(body), "node");
        if (node.isPresent()) {
            requireNode(operations.definition(), node.get());
            return apply(operations, AdminChange.Kind.MOVE, id, node.get(), true);
        }
        String current = runningNode(operations.status(), id).orElseThrow(() -> new ClusterException.BadRequest(
                "field 'node': resource " + id + " is not running anywhere; name the node to move it to"));
        return apply(operations, AdminChange.Kind.BAN, id, current, true);
    }

    /** Body {@code {"node":"node1"}}. */
    @POST
    @Path("resources/{id}/ban")
    @Consumes(MediaType.WILDCARD)
    public ChangeApplied ban(@PathParam("id") String id, String body) {
        requireResource(operations().definition(), id); // an unknown resource is 404 before a missing node is 400
        String node = optionalText(parse(body), "node").orElseThrow(() -> new ClusterException.BadRequest(
                "field 'node': is required: the node to ban " + id + " from"));
        return onResource(id, AdminChange.Kind.BAN, Optional.of(node), true);
    }

    @POST
    @Path("resources/{id}/clear")
    @Consumes(MediaType.WILDCARD)
    public ChangeApplied clear(@PathParam("id") String id) {
        return onResource(id, AdminChange.Kind.CLEAR, Optional.empty(), false);
    }

    /** Body optional {@code {"node":"node1"}}; without a node on every node. */
    @POST
    @Path("resources/{id}/cleanup")
    @Consumes(MediaType.WILDCARD)
    public ChangeApplied cleanup(@PathParam("id") String id, String body) {
        return onResource(id, AdminChange.Kind.CLEANUP, optionalText(parse(body), "node"), false);
    }

    /** A change of a configured node (404 for another name). */
    private ChangeApplied onNode(String node, AdminChange.Kind kind, boolean enabled) {
        ClusterOperations operations = operations();
        requireNode(operations.definition(), node);
        return apply(operations, kind, null, node, enabled);
    }

    /** A change of a configured resource or group, on a configured node when one is named (404 otherwise). */
    private ChangeApplied onResource(String id, AdminChange.Kind kind, Optional<String> node, boolean enabled) {
        ClusterOperations operations = operations();
        requireResource(operations.definition(), id);
        node.ifPresent(name -> requireNode(operations.definition(), name));
        return apply(operations, kind, id, node.orElse(null), enabled);
    }

    /** Body {@code {"enabled":true}}. */
    @POST
    @Path("maintenance")
    @Consumes(MediaType.WILDCARD)
    public ChangeApplied maintenance(String body) {
        ClusterOperations operations = operations();
        JsonNode json = parse(body);
        JsonNode enabled = json == null || !json.isObject() ? null : json.get("enabled");
        if (enabled == null || !enabled.isBoolean()) {
            throw new ClusterException.BadRequest("field 'enabled': is required: true or false");
        }
        return apply(operations, AdminChange.Kind.MAINTENANCE, null, null, enabled.booleanValue());
    }

    /**
     * One line per cluster event ({@code 2026-11-22T10:15:03.120Z resource vip started node2 took=120ms})
     * until the client goes away or the node stops; with {@code now=true} the current state (one
     * {@code node} line per node, one {@code resource} line per resource) and the answer ends.
     */
    @GET
    @Path("events")
    @Produces(MediaType.TEXT_PLAIN)
    public Response events(@QueryParam("now") @DefaultValue("false") boolean now) {
        ClusterOperations operations = operations();
        if (now) {
            return Response.ok(String.join("", currentState(operations.status(), clock.instant())), MediaType.TEXT_PLAIN_TYPE)
                    .build();
        }
        EventLineStream<ClusterEvent> stream = new EventLineStream<>(EVENTS_QUEUE_CAPACITY, ClusterEvent::toString,
                streams::remove).subscribe(operations::subscribe);
        streams.add(stream);
        StreamingOutput output = out -> {
            try (stream) {
                // at once, so that a client sees the stream is open before the first event
                out.flush();
                stream.copyTo(out, EVENTS_POLL, "GET /api/v1/cluster/events?now=true");
            }
        };
        return Response.ok(output, MediaType.TEXT_PLAIN_TYPE).build();
    }

    /** Ends every events stream; for the HTTP server's stop (open streams would hold its graceful stop). */
    public void endEventStreams() {
        List.copyOf(streams).forEach(EventLineStream::close);
    }

    static List<String> currentState(ClusterStatus status, Instant now) {
        List<String> lines = new ArrayList<>();
        for (NodeStatus node : status.nodes()) {
            lines.add(now + " node " + node.name() + " " + node.state()
                    + (node.detail() == null || node.detail().isEmpty() ? "" : " " + node.detail()) + "\n");
        }
        for (ResourceStatus resource : status.resources()) {
            lines.add(now + " resource " + resource.id() + " " + resource.summary() + "\n");
        }
        return lines;
    }

    private ClusterOperations operations() {
        return cluster.get().orElseThrow(ClusterException.NotConfigured::new);
    }

    private static ChangeApplied apply(ClusterOperations operations, AdminChange.Kind kind, String resource, String node,
            boolean enabled) {
        CompletionStage<Long> applied = operations.change(kind, resource, node, enabled);
        try {
            return new ChangeApplied(applied.toCompletableFuture().get(CHANGE_WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClusterException refusal) {
                throw refusal;
            }
            throw new ClusterException.Unavailable(e.getCause() == null ? "the change failed" : e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new ClusterException.Unavailable("no coordinator with quorum applied the change within "
                    + CHANGE_WAIT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException.Unavailable("interrupted while waiting for the coordinator");
        }
    }

    private static void requireNode(ClusterDefinition definition, String node) {
        if (definition.node(node).isEmpty()) {
            throw new ClusterException.Unknown("no node " + node + " in the cluster; nodes: "
                    + String.join(", ", definition.nodes().stream().map(n -> n.name()).toList()));
        }
    }

    private static void requireResource(ClusterDefinition definition, String id) {
        List<String> ids = new ArrayList<>();
        definition.resources().primitives().stream().map(PrimitiveDefinition::id).forEach(ids::add);
        definition.resources().groups().stream().map(GroupDefinition::id).forEach(ids::add);
        if (!ids.contains(id)) {
            throw new ClusterException.Unknown("no resource or group " + id + " in the cluster; resources: "
                    + String.join(", ", ids));
        }
    }

    /** Where a primitive, or any member of a group, runs now (STARTED). */
    static Optional<String> runningNode(ClusterStatus status, String id) {
        for (ResourceStatus resource : status.resources()) {
            if (id.equals(resource.id()) || id.equals(resource.group())) {
                for (Map.Entry<String, LocalState> state : resource.states().entrySet()) {
                    if (state.getValue() == LocalState.STARTED) {
                        return Optional.of(state.getKey());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The body as JSON; null when there is none (any content type: curl -X POST sends none). */
    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ClusterException.BadRequest("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static Optional<String> optionalText(JsonNode body, String field) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return Optional.empty();
        }
        if (!body.isObject()) {
            throw new ClusterException.BadRequest("the body must be a JSON object, e.g. {\"" + field + "\":\"node2\"}");
        }
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new ClusterException.BadRequest("field '" + field + "': must be a node name");
        }
        return Optional.of(value.textValue());
    }
}
