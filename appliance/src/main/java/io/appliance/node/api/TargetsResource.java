package io.appliance.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.appliance.config.IscsiNames;
import io.appliance.node.model.NodeException;
import io.appliance.node.model.TargetSpec;
import io.appliance.node.runtime.TargetManager;
import io.appliance.node.runtime.TargetState;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.List;
import java.util.function.Supplier;

/** {@code /api/v1/targets}: list, create, show, change (alias, open access) and delete targets. */
@Path("/api/v1/targets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, ApiMediaTypes.MERGE_PATCH_JSON})
@PermitAll
public final class TargetsResource {

    private final Supplier<TargetManager> targets;
    private final RequestReader requests;

    public TargetsResource(Supplier<TargetManager> targets, RequestReader requests) {
        this.targets = targets;
        this.requests = requests;
    }

    @GET
    public List<TargetView> list() {
        return targets.get().targets().stream().map(TargetView::of).toList();
    }

    /** Body: {@code {"name":"iqn...","alias":"..","openAccess":false}}. 201 with the target; 409 if it exists. */
    @POST
    public Response create(JsonNode body) {
        TargetSpec spec = requests.read(body, TargetSpec.class);
        TargetView created = TargetView.of(targets.get().createTarget(spec));
        return Response.created(UriBuilder.fromResource(TargetsResource.class).path(created.name()).build())
                .entity(created).build();
    }

    @GET
    @Path("{name}")
    public TargetView show(@PathParam("name") String name) {
        return TargetView.of(targets.get().target(name));
    }

    /** A merge patch of {@code alias} and {@code openAccess}; the name cannot change. */
    @PATCH
    @Path("{name}")
    public TargetView change(@PathParam("name") String name, JsonNode patch) {
        TargetManager manager = targets.get();
        TargetState current = manager.target(name);
        ObjectNode currentJson = JsonNodeFactory.instance.objectNode()
                .put("name", current.record().name())
                .put("alias", current.record().alias())
                .put("openAccess", current.record().openAccess());
        TargetSpec changed = requests.merge(currentJson, patch, TargetSpec.class);
        if (!IscsiNames.normalize(changed.name()).equals(IscsiNames.normalize(current.record().name()))) {
            throw new NodeException.InvalidFields("name", "cannot be changed; create a new target instead");
        }
        return TargetView.of(manager.updateTarget(current.record().name(), changed.alias(), changed.openAccess()));
    }

    /** Removes the target: no new logins at once; its LUNs are closed; LUN files stay. */
    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        targets.get().deleteTarget(name);
        return Response.noContent().build();
    }
}
