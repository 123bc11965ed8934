package io.appliance.node.replication;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.node.api.EventLineStream;
import io.appliance.node.model.NodeException;
import io.appliance.replication.ReplicatedResource;
import io.appliance.replication.ReplicationEvent;
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
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code /api/v1/replication}: the replicated disks' status (JSON, or {@code drbdadm status} text),
 * the drbdadm verbs, and the events stream ({@code drbdsetup events2}). Refusals of the engine are
 * {@code ReplicationException}s, mapped by {@link ReplicationExceptionMapper}.
 */
@Path("/api/v1/replication")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public final class ReplicationResource {

    /** How often an idle events stream wakes up to notice a stopping node. */
    static final Duration EVENTS_POLL = Duration.ofSeconds(1);

    private final Supplier<ReplicationManager> replication;

    /** @param replication the running node's replication; throws {@link NodeException.NotRunning} otherwise */
    public ReplicationResource(Supplier<ReplicationManager> replication) {
        this.replication = replication;
    }

    @GET
    public List<ReplicationStatusView> list() {
        return replication.get().resources().stream().map(resource -> ReplicationStatusView.of(resource.status())).toList();
    }

    /** Every resource as {@code drbdadm status} prints it. */
    @GET
    @Path("status")
    @Produces(MediaType.TEXT_PLAIN)
    public String statusTextOfAll(@QueryParam("verbose") @DefaultValue("false") boolean verbose) {
        return replication.get().resources().stream().map(resource -> resource.status().render(verbose))
                .collect(Collectors.joining("\n"));
    }

    /**
     * One events2 line per change until the client goes away (or the node stops); first the
     * current state as {@code exists} lines and {@code exists -}. With {@code now=true}: only the
     * current state, then the answer ends. A reader that falls {@value ReplicationManager#EVENTS_QUEUE_CAPACITY}
     * events behind is dropped with a last line saying so.
     */
    @GET
    @Path("events")
    @Produces(MediaType.TEXT_PLAIN)
    public Response events(@QueryParam("now") @DefaultValue("false") boolean now) {
        ReplicationManager manager = replication.get();
        if (now) {
            String lines = manager.currentState().stream().map(event -> event.renderExists() + "\n")
                    .collect(Collectors.joining());
            return Response.ok(lines, MediaType.TEXT_PLAIN_TYPE).build();
        }
        EventLineStream<ReplicationEvent> subscription = manager.subscribe();
        List<ReplicationEvent> current = manager.currentState();
        StreamingOutput stream = output -> {
            try (subscription) {
                for (ReplicationEvent event : current) {
                    EventLineStream.writeLine(output, event.renderExists());
                }
                EventLineStream.writeLine(output, "exists -");
                subscription.copyTo(output, EVENTS_POLL, "GET /api/v1/replication/events?now=true");
            }
        };
        return Response.ok(stream, MediaType.TEXT_PLAIN_TYPE).build();
    }

    @GET
    @Path("{res}")
    public ReplicationStatusView show(@PathParam("res") String name) {
        return ReplicationStatusView.of(require(name).status());
    }

    @GET
    @Path("{res}/status")
    @Produces(MediaType.TEXT_PLAIN)
    public String statusText(@PathParam("res") String name, @QueryParam("verbose") @DefaultValue("false") boolean verbose) {
        return require(name).status().render(verbose);
    }

    /**
     * Runs a drbdadm verb; the answer is the status after it. Body (optional): {@code {"force":true}}
     * for create-md and primary, {@code {"discardMyData":true}} for connect, {@code {"clearBitmap":true}}
     * for new-current-uuid.
     */
    @POST
    @Path("{res}/{verb}")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public ReplicationStatusView verb(@PathParam("res") String name, @PathParam("verb") String verbName, JsonNode body) {
        ReplicationVerb verb = ReplicationVerb.byName(verbName)
                .orElseThrow(() -> new NodeException.Unknown("no replication verb " + verbName + "; verbs: "
                        + ReplicationVerb.names()));
        ReplicatedResource resource = require(name);
        verb.run(resource, VerbOptions.read(verb, body));
        return ReplicationStatusView.of(resource.status());
    }

    private ReplicatedResource require(String name) {
        return replication.get().resource(name).orElseThrow(() -> new NodeException.Unknown("no replicated disk " + name
                + " on this node; see GET /api/v1/replication"));
    }
}
