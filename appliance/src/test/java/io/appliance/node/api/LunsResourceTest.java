package io.appliance.node.api;

import static io.appliance.node.api.ApiTestSupport.authorized;
import static io.appliance.node.api.ApiTestSupport.body;
import static io.appliance.node.api.ApiTestSupport.error;
import static io.appliance.node.api.ApiTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.iscsi.scsi.ScsiTarget;
import io.appliance.node.model.TargetSpec;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(DropwizardExtensionsSupport.class)
class LunsResourceTest {

    private static final ApiTestSupport SUPPORT = new ApiTestSupport();
    static final ResourceExtension API = SUPPORT.extension(new LunsResource(SUPPORT.targets, SUPPORT.requests)).build();
    private static final String TARGET = "iqn.2026-11.io.appliance:disk1";
    private static final String LUNS = "/api/v1/targets/" + TARGET + "/luns";

    @TempDir
    Path stateDirectory;

    @BeforeEach
    void open() throws Exception {
        SUPPORT.open(stateDirectory);
        SUPPORT.node().manager().createTarget(new TargetSpec(TARGET, "", true));
    }

    @AfterEach
    void close() throws Exception {
        SUPPORT.close();
    }

    @Test
    void createShowsIdentityAndPresentsTheLunLive() throws Exception {
        Response response = authorized(API, LUNS).post(json("{\"lun\":1,\"size\":\"512MiB\",\"backingFile\":\"luns/x.img\",\"readOnly\":false}"));
        JsonNode lun = body(response, 201);

        assertThat(response.getLocation().getPath()).isEqualTo(LUNS + "/1");
        assertThat(lun.path("lun").asInt()).isEqualTo(1);
        assertThat(lun.path("size").asLong()).isEqualTo(512L << 20);
        assertThat(lun.path("path").asText()).isEqualTo(stateDirectory.resolve("luns/x.img").toAbsolutePath().toString());
        assertThat(lun.path("serial").asText()).hasSize(32).isEqualTo(lun.path("uuid").asText().replace("-", ""));
        assertThat(lun.path("naa").asText()).hasSize(32).startsWith("6");
        assertThat(lun.path("online").asBoolean()).isTrue();
        assertThat(Files.size(stateDirectory.resolve("luns/x.img"))).isEqualTo(512L << 20);
        ScsiTarget scsi = (ScsiTarget) SUPPORT.node().registry().find(TARGET).orElseThrow().device();
        assertThat(scsi.luns()).containsOnlyKeys(1);

        JsonNode list = body(authorized(API, LUNS).get(), 200);
        assertThat(list).hasSize(1);
        JsonNode shown = body(authorized(API, LUNS + "/1").get(), 200);
        assertThat(shown.path("uuid").asText()).isEqualTo(lun.path("uuid").asText());
    }

    @Test
    void sizeMayBeBytesAndFileAndUuidDefault() throws Exception {
        JsonNode lun = body(authorized(API, LUNS).post(json("{\"lun\":0,\"size\":1048576}")), 201);
        assertThat(lun.path("size").asLong()).isEqualTo(1048576);
        assertThat(lun.path("path").asText()).endsWith("luns/disk1-lun0.img");
        JsonNode fixed = body(authorized(API, LUNS).post(json(
                "{\"lun\":2,\"size\":\"1MiB\",\"uuid\":\"5f0c1d2e-3a4b-4c5d-8e6f-708192a3b4c5\"}")), 201);
        assertThat(fixed.path("serial").asText()).isEqualTo("5f0c1d2e3a4b4c5d8e6f708192a3b4c5");
    }

    @Test
    void invalidFieldsAreNamed() throws Exception {
        assertThat(error(authorized(API, LUNS).post(json("{\"lun\":16384,\"size\":\"1MiB\"}")), 422))
                .isEqualTo("field 'lun': must be 0..16383");
        assertThat(error(authorized(API, LUNS).post(json("{\"lun\":1,\"size\":\"1000B\"}")), 422))
                .isEqualTo("field 'size': must be a multiple of 512 bytes (the block size)");
        assertThat(error(authorized(API, LUNS).post(json("{\"lun\":1}")), 422)).isEqualTo("field 'size': must not be null");
        assertThat(error(authorized(API, LUNS).post(json("{\"lun\":1,\"size\":\"big\"}")), 400))
                .startsWith("field 'size': cannot read big as DataSize").contains("512MiB");
        assertThat(error(authorized(API, LUNS).post(json("{\"lun\":\"one\",\"size\":\"1MiB\"}")), 400)).startsWith("field 'lun'");
    }

    @Test
    void aFileThatCannotBeCreatedIs422WithTheReasonAndNoRow() throws Exception {
        Files.writeString(stateDirectory.resolve("blocker"), "not a directory");
        String message = error(authorized(API, LUNS).post(json("{\"lun\":1,\"size\":\"1MiB\",\"backingFile\":\"blocker/x.img\"}")), 422);
        assertThat(message).startsWith("field 'backingFile': cannot create").contains("blocker/x.img");
        assertThat(body(authorized(API, LUNS).get(), 200)).isEmpty();
    }

    @Test
    void unknownIs404DuplicateIs409() throws Exception {
        assertThat(error(authorized(API, LUNS + "/7").get(), 404)).isEqualTo("target " + TARGET + " has no LUN 7");
        assertThat(error(authorized(API, "/api/v1/targets/iqn.2026-11.io.appliance:none/luns").get(), 404)).contains("no target");
        authorized(API, LUNS).post(json("{\"lun\":1,\"size\":\"1MiB\"}")).close();
        assertThat(error(authorized(API, LUNS).post(json("{\"lun\":1,\"size\":\"1MiB\",\"backingFile\":\"luns/other.img\"}")), 409))
                .contains("already has LUN 1");
    }

    @Test
    void patchGrowsOnlyTheSize() throws Exception {
        authorized(API, LUNS).post(json("{\"lun\":1,\"size\":\"1MiB\"}")).close();
        JsonNode grown = body(authorized(API, LUNS + "/1").method("PATCH", json("{\"size\":\"8MiB\"}")), 200);
        assertThat(grown.path("size").asLong()).isEqualTo(8L << 20);
        assertThat(error(authorized(API, LUNS + "/1").method("PATCH", json("{\"size\":\"1MiB\"}")), 422))
                .startsWith("field 'size': can only grow");
        assertThat(error(authorized(API, LUNS + "/1").method("PATCH", json("{\"readOnly\":true}")), 422))
                .startsWith("field 'readOnly': cannot be changed");
        assertThat(error(authorized(API, LUNS + "/1").method("PATCH", json("{\"backingFile\":null}")), 422))
                .startsWith("field 'backingFile': cannot be changed");
    }

    @Test
    void deleteWithdrawsAndKeepsOrDeletesTheFile() throws Exception {
        authorized(API, LUNS).post(json("{\"lun\":1,\"size\":\"1MiB\",\"backingFile\":\"luns/keep.img\"}")).close();
        authorized(API, LUNS).post(json("{\"lun\":2,\"size\":\"1MiB\",\"backingFile\":\"luns/drop.img\"}")).close();
        assertThat(authorized(API, LUNS + "/1").delete().getStatus()).isEqualTo(204);
        assertThat(API.target(LUNS + "/2").queryParam("deleteFile", "true").request()
                .header("Authorization", "Bearer " + ApiTestSupport.TOKEN).delete().getStatus()).isEqualTo(204);
        assertThat(stateDirectory.resolve("luns/keep.img")).exists();
        assertThat(stateDirectory.resolve("luns/drop.img")).doesNotExist();
        assertThat(error(authorized(API, LUNS + "/1").delete(), 404)).contains("has no LUN 1");
    }

    @Test
    void withoutTheTokenItIs401() throws Exception {
        error(API.target(LUNS).request(MediaType.APPLICATION_JSON_TYPE).post(json("{\"lun\":1,\"size\":\"1MiB\"}")), 401);
        assertThat(SUPPORT.node().manager().luns(TARGET)).isEmpty();
    }
}
