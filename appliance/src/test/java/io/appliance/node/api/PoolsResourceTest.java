package io.appliance.node.api;

import static io.appliance.node.api.ApiTestSupport.authorized;
import static io.appliance.node.api.ApiTestSupport.body;
import static io.appliance.node.api.ApiTestSupport.error;
import static io.appliance.node.api.ApiTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.node.model.TargetSpec;
import io.appliance.node.runtime.FakeVolumeManager;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(DropwizardExtensionsSupport.class)
class PoolsResourceTest {

    private static final ApiTestSupport SUPPORT = new ApiTestSupport();
    static final ResourceExtension API = SUPPORT.extension(new PoolsResource(SUPPORT.targets, SUPPORT.requests),
            new LunsResource(SUPPORT.targets, SUPPORT.requests)).build();
    private static final String TARGET = "iqn.2026-11.io.appliance:disk1";
    private static final String LUNS = "/api/v1/targets/" + TARGET + "/luns";
    private static final String POOLS = "/api/v1/pools";
    private static final String VOLUMES = POOLS + "/vg0/volumes";
    private static final long MIB = 1L << 20;

    @TempDir
    Path stateDirectory;

    @BeforeEach
    void open() throws Exception {
        SUPPORT.open(stateDirectory);
        SUPPORT.node().volumes().addPool("vg0", "/dev/loop3", 100 * MIB);
        SUPPORT.node().manager().createTarget(new TargetSpec(TARGET, "web", true));
    }

    @AfterEach
    void close() throws Exception {
        SUPPORT.close();
    }

    private static Response patch(String path, String body) {
        return authorized(API, path).build("PATCH", Entity.entity(body, ApiMediaTypes.MERGE_PATCH_JSON)).invoke();
    }

    private static Response deleteLun(int lun, String flag) {
        return API.target(LUNS + "/" + lun).queryParam(flag, "true").request(MediaType.APPLICATION_JSON_TYPE)
                .header("Authorization", "Bearer " + ApiTestSupport.TOKEN).delete();
    }

    @Test
    void poolsMadeByHandAreListedAndNewOnesCreated() throws Exception {
        JsonNode pools = body(authorized(API, POOLS).get(), 200);
        assertThat(pools).hasSize(1);
        assertThat(pools.get(0).path("name").asText()).isEqualTo("vg0");
        assertThat(pools.get(0).path("extentSize").asLong()).isEqualTo(FakeVolumeManager.EXTENT);
        assertThat(pools.get(0).path("free").asLong()).isEqualTo(100 * MIB);
        assertThat(pools.get(0).path("devices").get(0).asText()).isEqualTo("/dev/loop3");

        Response created = authorized(API, POOLS).post(json("{\"name\":\"vg1\",\"devices\":[\"/dev/loop4\",\"/dev/loop5\"],"
                + "\"extentSize\":\"4MiB\"}"));
        JsonNode pool = body(created, 201);
        assertThat(created.getLocation().getPath()).isEqualTo(POOLS + "/vg1");
        assertThat(pool.path("devices")).hasSize(2);
        assertThat(body(authorized(API, POOLS + "/vg1").get(), 200).path("name").asText()).isEqualTo("vg1");

        JsonNode extended = body(patch(POOLS + "/vg1", "{\"addDevices\":[\"/dev/loop6\"]}"), 200);
        assertThat(extended.path("devices")).hasSize(3);
    }

    @Test
    void badPoolRequestsAreNamed() throws Exception {
        assertThat(error(authorized(API, POOLS).post(json("{\"name\":\"-bad\",\"devices\":[\"/dev/loop4\"]}")), 422))
                .contains("field 'name'");
        assertThat(error(authorized(API, POOLS).post(json("{\"name\":\"vg2\",\"devices\":[\"loop4\"]}")), 422))
                .contains("devices");
        assertThat(error(authorized(API, POOLS).post(json("{\"name\":\"vg2\",\"devices\":[]}")), 422))
                .contains("field 'devices'");
        assertThat(error(authorized(API, POOLS).post(json("{\"name\":\"vg2\",\"devices\":[\"/dev/loop4\"],\"extentSize\":\"3MiB\"}")),
                422)).contains("field 'extentSize'");
        assertThat(error(authorized(API, POOLS).post(json("{\"name\":\"vg0\",\"devices\":[\"/dev/loop4\"]}")), 409))
                .contains("pool vg0 exists");
        assertThat(error(authorized(API, POOLS).post(json("{\"name\":\"vg2\",\"devices\":[\"/dev/loop3\"]}")), 409))
                .contains("/dev/loop3");
        assertThat(error(authorized(API, POOLS + "/vg9").get(), 404)).contains("no pool vg9");
        assertThat(error(patch(POOLS + "/vg9", "{\"addDevices\":[\"/dev/loop7\"]}"), 404)).contains("vg9");
    }

    @Test
    void volumesAreCarvedInWholeExtentsExtendedRenamedAndRemoved() throws Exception {
        Response created = authorized(API, VOLUMES).post(json("{\"name\":\"lun0\",\"size\":\"10MiB\"}"));
        JsonNode volume = body(created, 201);
        assertThat(created.getLocation().getPath()).isEqualTo(VOLUMES + "/lun0");
        assertThat(volume.path("size").asLong()).isEqualTo(12 * MIB);
        assertThat(volume.path("pool").asText()).isEqualTo("vg0");
        assertThat(volume.path("usedBy").isNull()).isTrue();
        JsonNode segment = volume.path("segments").get(0);
        assertThat(segment.path("lvStartExtent").asLong()).isZero();
        assertThat(segment.path("extentCount").asLong()).isEqualTo(3);
        assertThat(segment.path("device").asText()).isEqualTo("/dev/loop3");

        assertThat(body(patch(VOLUMES + "/lun0", "{\"size\":\"20MiB\"}"), 200).path("size").asLong()).isEqualTo(20 * MIB);
        assertThat(body(patch(VOLUMES + "/lun0", "{\"name\":\"data\"}"), 200).path("name").asText()).isEqualTo("data");
        assertThat(body(authorized(API, VOLUMES).get(), 200)).singleElement()
                .satisfies(v -> assertThat(v.path("name").asText()).isEqualTo("data"));
        assertThat(authorized(API, VOLUMES + "/data").delete().getStatus()).isEqualTo(204);
        assertThat(error(authorized(API, VOLUMES + "/data").get(), 404)).contains("no volume data");
    }

    @Test
    void badVolumeRequestsGetTheirOwnErrors() throws Exception {
        authorized(API, VOLUMES).post(json("{\"name\":\"lun0\",\"size\":\"4MiB\"}")).close();
        assertThat(error(authorized(API, VOLUMES).post(json("{\"name\":\"lun0\",\"size\":\"4MiB\"}")), 409)).contains("exists");
        assertThat(error(authorized(API, VOLUMES).post(json("{\"name\":\"big\",\"size\":\"1GiB\"}")), 409)).contains("free");
        assertThat(error(authorized(API, VOLUMES).post(json("{\"name\":\"a/b\",\"size\":\"4MiB\"}")), 422)).contains("field 'name'");
        assertThat(error(authorized(API, VOLUMES).post(json("{\"name\":\"x\",\"size\":0}")), 422)).contains("field 'size'");
        assertThat(error(authorized(API, POOLS + "/vg9/volumes").post(json("{\"name\":\"x\",\"size\":\"4MiB\"}")), 404))
                .contains("vg9");
        assertThat(error(patch(VOLUMES + "/lun0", "{\"size\":\"8MiB\",\"name\":\"y\"}"), 422)).contains("either size");
        assertThat(error(patch(VOLUMES + "/lun0", "{\"size\":\"1MiB\"}"), 422)).contains("can only grow");
    }

    @Test
    void aLunOnACarvedVolumeShowsItsBackingAndProtectsTheVolume() throws Exception {
        assertThat(error(authorized(API, LUNS).post(json("{\"lun\":1,\"pool\":\"vg0\",\"size\":\"200MiB\"}")), 409))
                .contains("free");
        assertThat(body(authorized(API, VOLUMES).get(), 200)).isEmpty();

        JsonNode lun = body(authorized(API, LUNS).post(json("{\"lun\":1,\"pool\":\"vg0\",\"size\":\"10MiB\"}")), 201);
        assertThat(lun.path("size").asLong()).isEqualTo(12 * MIB);
        assertThat(lun.path("path").isNull()).isTrue();
        JsonNode backing = lun.path("backing");
        assertThat(backing.path("type").asText()).isEqualTo("volume");
        assertThat(backing.path("pool").asText()).isEqualTo("vg0");
        assertThat(backing.path("volume").asText()).isEqualTo("web-lun1");
        assertThat(backing.path("access").asText()).isEqualTo("extent-map");

        assertThat(body(authorized(API, VOLUMES + "/web-lun1").get(), 200).path("usedBy").asText()).isEqualTo(TARGET + "/1");
        assertThat(error(authorized(API, VOLUMES + "/web-lun1").delete(), 409)).contains("delete that LUN first");
        assertThat(error(patch(VOLUMES + "/web-lun1", "{\"name\":\"x\"}"), 409)).contains("cannot be renamed");

        assertThat(body(patch(VOLUMES + "/web-lun1", "{\"size\":\"16MiB\"}"), 200).path("size").asLong()).isEqualTo(16 * MIB);
        assertThat(body(authorized(API, LUNS + "/1").get(), 200).path("size").asLong()).isEqualTo(16 * MIB);
        assertThat(body(patch(LUNS + "/1", "{\"size\":\"20MiB\"}"), 200).path("size").asLong()).isEqualTo(20 * MIB);
        assertThat(error(patch(LUNS + "/1", "{\"volume\":\"vg0/other\"}"), 422)).contains("field 'volume'");

        assertThat(error(deleteLun(1, "deleteFile"), 422)).contains("deleteVolume");
        assertThat(deleteLun(1, "deleteVolume").getStatus()).isEqualTo(204);
        assertThat(error(authorized(API, VOLUMES + "/web-lun1").get(), 404)).contains("web-lun1");
    }

    @Test
    void aLunOnAnExistingVolumeAndFileLunsSideBySide() throws Exception {
        authorized(API, VOLUMES).post(json("{\"name\":\"byhand\",\"size\":\"8MiB\"}")).close();

        JsonNode lun = body(authorized(API, LUNS).post(json("{\"lun\":0,\"volume\":\"vg0/byhand\"}")), 201);
        assertThat(lun.path("size").asLong()).isEqualTo(8 * MIB);
        JsonNode file = body(authorized(API, LUNS).post(json("{\"lun\":2,\"size\":\"1MiB\"}")), 201);
        assertThat(file.path("backing").path("type").asText()).isEqualTo("file");
        assertThat(file.path("backing").path("path").asText()).isEqualTo(file.path("path").asText());

        assertThat(error(authorized(API, LUNS).post(json("{\"lun\":3,\"volume\":\"vg0\"}")), 422)).contains("POOL/NAME");
        assertThat(error(authorized(API, LUNS).post(json("{\"lun\":3,\"volume\":\"vg0/x\",\"backingFile\":\"a.img\"}")), 422))
                .contains("field 'volume'");
        assertThat(error(authorized(API, LUNS).post(json("{\"lun\":3,\"volumeName\":\"x\",\"size\":\"1MiB\"}")), 422))
                .contains("field 'volumeName'");
        assertThat(error(authorized(API, LUNS).post(json("{\"lun\":3,\"pool\":\"vg0\"}")), 422)).contains("field 'size'");

        assertThat(authorized(API, LUNS + "/0").delete().getStatus()).isEqualTo(204);
        assertThat(body(authorized(API, VOLUMES + "/byhand").get(), 200).path("usedBy").isNull()).isTrue();
    }
}
