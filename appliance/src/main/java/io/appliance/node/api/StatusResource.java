package io.appliance.node.api;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /api/v1/status} and {@code GET /api/v1/sessions}. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public final class StatusResource {

    private final NodeStatus node;

    public StatusResource(NodeStatus node) {
        this.node = node;
    }

    @GET
    @Path("status")
    public StatusView status() {
        return new StatusView(node.nodeName(), node.version(), node.portals(), node.targetCount(), node.sessions());
    }

    @GET
    @Path("sessions")
    public List<SessionView> sessions() {
        return node.sessions();
    }
}
