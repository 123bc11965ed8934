package io.appliance.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.node.model.PoolChange;
import io.appliance.node.model.PoolSpec;
import io.appliance.node.model.VolumeChange;
import io.appliance.node.model.VolumeSpec;
import io.appliance.node.runtime.TargetManager;
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
 * {@code /api/v1/pools} and {@code /api/v1/pools/{pool}/volumes}: the node's LVM volume groups and
 * logical volumes, made and changed through lvm2. Pools and volumes made by hand are listed and
 * usable too.
 */
@Path("/api/v1/pools")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, ApiMediaTypes.MERGE_PATCH_JSON})
@PermitAll
public final class PoolsResource {

    private final Supplier<TargetManager> targets;
    private final RequestReader requests;

    public PoolsResource(Supplier<TargetManager> targets, RequestReader requests) {
        this.targets = targets;
        this.requests = requests;
    }

    @GET
    public List<PoolView> list() {
        return targets.get().pools().stream().map(PoolView::of).toList();
    }

    /** Body: {@code {"name":"vg0","devices":["/dev/sdb"],"extentSize":"4MiB"}}; extentSize optional. */
    @POST
    public Response create(JsonNode body) {
        PoolSpec spec = requests.read(body, PoolSpec.class);
        PoolView created = PoolView.of(targets.get().createPool(spec.name(), spec.devices(), spec.extentSizeBytes()));
        return Response.created(UriBuilder.fromResource(PoolsResource.class).path(created.name()).build())
                .entity(created).build();
    }

    @GET
    @Path("{pool}")
    public PoolView show(@PathParam("pool") String pool) {
        return PoolView.of(targets.get().pool(pool));
    }

    /** Body: {@code {"addDevices":["/dev/sdc"]}} (vgextend). */
    @PATCH
    @Path("{pool}")
    public PoolView change(@PathParam("pool") String pool, JsonNode body) {
        PoolChange change = requests.read(body, PoolChange.class);
        return PoolView.of(targets.get().extendPool(pool, change.addDevices()));
    }

    @GET
    @Path("{pool}/volumes")
    public List<VolumeView> volumes(@PathParam("pool") String pool) {
        return targets.get().volumes(pool).stream().map(VolumeView::of).toList();
    }

    /** Body: {@code {"name":"lun0","size":"100MiB"}}; the size is rounded up to whole extents. */
    @POST
    @Path("{pool}/volumes")
    public Response createVolume(@PathParam("pool") String pool, JsonNode body) {
        VolumeSpec spec = requests.read(body, VolumeSpec.class);
        VolumeView created = VolumeView.of(targets.get().createVolume(pool, spec.name(), spec.size().toBytes()));
        return Response.created(UriBuilder.fromResource(PoolsResource.class).path("{pool}/volumes/{name}")
                .build(pool, created.name())).entity(created).build();
    }

    @GET
    @Path("{pool}/volumes/{name}")
    public VolumeView volume(@PathParam("pool") String pool, @PathParam("name") String name) {
        return VolumeView.of(targets.get().volume(pool, name));
    }

    /**
     * Body: {@code {"size":"200MiB"}} extends (a LUN on the volume grows online) or
     * {@code {"name":"new"}} renames (409 while a LUN uses the volume).
     */
    @PATCH
    @Path("{pool}/volumes/{name}")
    public VolumeView changeVolume(@PathParam("pool") String pool, @PathParam("name") String name, JsonNode body) {
        VolumeChange change = requests.read(body, VolumeChange.class);
        TargetManager manager = targets.get();
        return VolumeView.of(change.size() != null
                ? manager.extendVolume(pool, name, change.size().toBytes())
                : manager.renameVolume(pool, name, change.name()));
    }

    /** Removes the volume and its data; 409 while a LUN uses it. */
    @DELETE
    @Path("{pool}/volumes/{name}")
    public Response removeVolume(@PathParam("pool") String pool, @PathParam("name") String name) {
        targets.get().removeVolume(pool, name);
        return Response.noContent().build();
    }
}
