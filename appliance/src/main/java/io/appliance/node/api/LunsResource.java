package io.appliance.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.appliance.node.model.LunSpec;
import io.appliance.node.model.NodeException;
import io.appliance.node.runtime.LunState;
import io.appliance.node.runtime.TargetManager;
import io.appliance.node.store.LunBacking;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** {@code /api/v1/targets/{target}/luns}: list, create, show, grow and delete a target's LUNs. */
@Path("/api/v1/targets/{target}/luns")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, ApiMediaTypes.MERGE_PATCH_JSON})
@PermitAll
public final class LunsResource {

    private final Supplier<TargetManager> targets;
    private final RequestReader requests;

    public LunsResource(Supplier<TargetManager> targets, RequestReader requests) {
        this.targets = targets;
        this.requests = requests;
    }

    @GET
    public List<LunView> list(@PathParam("target") String target) {
        return targets.get().luns(target).stream().map(LunView::of).toList();
    }

    /**
     * Body: {@code {"lun":1,"size":"512MiB","backingFile":"luns/x.img","readOnly":false,"uuid":".."}};
     * size as text or bytes; backingFile and uuid optional. On a volume: {@code {"lun":1,"volume":"vg0/lun0"}}
     * (an existing volume) or {@code {"lun":1,"pool":"vg0","size":"100MiB","volumeName":"x"}} (carves a
     * new one; volumeName optional). The LUN is presented at once.
     */
    @POST
    public Response create(@PathParam("target") String target, JsonNode body) {
        LunSpec spec = requests.read(body, LunSpec.class);
        LunView created = LunView.of(targets.get().createLun(target, spec));
        return Response.created(UriBuilder.fromResource(LunsResource.class).path(Integer.toString(created.lun()))
                .build(target)).entity(created).build();
    }

    @GET
    @Path("{lun}")
    public LunView show(@PathParam("target") String target, @PathParam("lun") int lun) {
        return LunView.of(targets.get().lun(target, lun));
    }

    /** A merge patch; only {@code size} may change, and only upwards (a volume is extended). */
    @PATCH
    @Path("{lun}")
    public LunView change(@PathParam("target") String target, @PathParam("lun") int lun, JsonNode patch) {
        TargetManager manager = targets.get();
        LunState current = manager.lun(target, lun);
        var record = current.record();
        ObjectNode currentJson = JsonNodeFactory.instance.objectNode()
                .put("lun", record.lun())
                .put("size", record.sizeBytes())
                .put("readOnly", record.readOnly())
                .put("uuid", record.uuid().toString());
        java.nio.file.Path currentFile = null;
        String currentVolume = null;
        if (record.backing() instanceof LunBacking.File file) {
            currentFile = file.path();
            currentJson.put("backingFile", currentFile.toString());
        } else if (record.backing() instanceof LunBacking.Volume volume) {
            currentVolume = volume.fullName();
            currentJson.put("volume", currentVolume);
        }
        LunSpec changed = requests.merge(currentJson, patch, LunSpec.class);
        refuseChange("lun", changed.lun(), record.lun());
        refuseChange("backingFile", manager.resolveBackingFile(changed.backingFile()), currentFile);
        refuseChange("volume", changed.volume(), currentVolume);
        refuseChange("pool", changed.pool(), null);
        refuseChange("volumeName", changed.volumeName(), null);
        if (changed.size() == null) {
            throw new NodeException.InvalidFields("size", "cannot be removed");
        }
        refuseChange("readOnly", changed.readOnly(), record.readOnly());
        refuseChange("uuid", changed.uuid(), record.uuid());
        return LunView.of(manager.growLun(target, lun, changed.size().toBytes()));
    }

    /**
     * Withdraws the LUN; {@code ?deleteFile=true} also deletes its file, {@code ?deleteVolume=true}
     * also removes its volume (each only for its kind of LUN). 409 while an ACL maps to it.
     */
    @DELETE
    @Path("{lun}")
    public Response delete(@PathParam("target") String target, @PathParam("lun") int lun,
            @QueryParam("deleteFile") @DefaultValue("false") boolean deleteFile,
            @QueryParam("deleteVolume") @DefaultValue("false") boolean deleteVolume) {
        TargetManager manager = targets.get();
        LunBacking backing = manager.lun(target, lun).record().backing();
        if (deleteFile && !(backing instanceof LunBacking.File)) {
            throw new NodeException.InvalidFields("deleteFile", "LUN " + lun + " is on a volume; use deleteVolume");
        }
        if (deleteVolume && !(backing instanceof LunBacking.Volume)) {
            throw new NodeException.InvalidFields("deleteVolume", "LUN " + lun + " is backed by a file; use deleteFile");
        }
        manager.deleteLun(target, lun, deleteFile || deleteVolume);
        return Response.noContent().build();
    }

    private static void refuseChange(String field, Object requested, Object current) {
        if (!Objects.equals(requested, current)) {
            throw new NodeException.InvalidFields(field, "cannot be changed on an existing LUN; only size can grow");
        }
    }
}
