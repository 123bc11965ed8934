package io.appliance.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.appliance.config.ChapSettings;
import io.appliance.config.IscsiNames;
import io.appliance.node.model.AclSpec;
import io.appliance.node.model.NodeException;
import io.appliance.node.runtime.TargetManager;
import io.appliance.node.store.AclRecord;
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

/**
 * {@code /api/v1/targets/{target}/acls}: which initiators may log in to a target, with which CHAP
 * credentials and LUN mapping. Secrets go in, never out.
 */
@Path("/api/v1/targets/{target}/acls")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, ApiMediaTypes.MERGE_PATCH_JSON})
@PermitAll
public final class AclsResource {

    private final Supplier<TargetManager> targets;
    private final RequestReader requests;

    public AclsResource(Supplier<TargetManager> targets, RequestReader requests) {
        this.targets = targets;
        this.requests = requests;
    }

    @GET
    public List<AclView> list(@PathParam("target") String target) {
        return targets.get().acls(target).stream().map(AclView::of).toList();
    }

    /**
     * Body: {@code {"initiator":"iqn...","chapUser":"u","chapSecret":"...","mutualChapUser":..,
     * "mutualChapSecret":..,"luns":{"0":0}}}; everything but the initiator optional.
     */
    @POST
    public Response create(@PathParam("target") String target, JsonNode body) {
        AclSpec spec = requests.read(body, AclSpec.class);
        AclView created = AclView.of(targets.get().createAcl(target, spec));
        return Response.created(UriBuilder.fromResource(AclsResource.class).path(created.initiator()).build(target))
                .entity(created).build();
    }

    @GET
    @Path("{initiator}")
    public AclView show(@PathParam("target") String target, @PathParam("initiator") String initiator) {
        return AclView.of(targets.get().acl(target, initiator));
    }

    /**
     * A merge patch of the CHAP fields and {@code luns}: {@code "chapUser":null,"chapSecret":null}
     * removes CHAP; the initiator cannot change.
     */
    @PATCH
    @Path("{initiator}")
    public AclView change(@PathParam("target") String target, @PathParam("initiator") String initiator, JsonNode patch) {
        TargetManager manager = targets.get();
        AclRecord current = manager.acl(target, initiator);
        AclSpec changed = requests.merge(asJson(current), patch, AclSpec.class);
        if (!IscsiNames.normalize(changed.initiator()).equals(IscsiNames.normalize(current.initiator()))) {
            throw new NodeException.InvalidFields("initiator", "cannot be changed; create a new ACL instead");
        }
        return AclView.of(manager.replaceAcl(target, changed));
    }

    @DELETE
    @Path("{initiator}")
    public Response delete(@PathParam("target") String target, @PathParam("initiator") String initiator) {
        targets.get().deleteAcl(target, initiator);
        return Response.noContent().build();
    }

    /** The stored entry as a request body, secrets included: the base the merge patch applies to. */
    private static ObjectNode asJson(AclRecord acl) {
        ChapSettings chap = acl.chap();
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("initiator", acl.initiator());
        putIfPresent(json, "chapUser", chap.chapUser());
        putIfPresent(json, "chapSecret", chap.chapSecret());
        putIfPresent(json, "mutualChapUser", chap.mutualChapUser());
        putIfPresent(json, "mutualChapSecret", chap.mutualChapSecret());
        ObjectNode luns = json.putObject("luns");
        acl.lunMapping().forEach((initiatorLun, targetLun) -> luns.put(Integer.toString(initiatorLun), targetLun));
        return json;
    }

    private static void putIfPresent(ObjectNode json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }
}
