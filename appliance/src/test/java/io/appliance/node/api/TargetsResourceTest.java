package io.appliance.node.api;

import static io.appliance.node.api.ApiTestSupport.authorized;
import static io.appliance.node.api.ApiTestSupport.body;
import static io.appliance.node.api.ApiTestSupport.error;
import static io.appliance.node.api.ApiTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
class TargetsResourceTest {

    private static final ApiTestSupport SUPPORT = new ApiTestSupport();
    static final ResourceExtension API = SUPPORT.extension(new TargetsResource(SUPPORT.targets, SUPPORT.requests)).build();
    private static final String TARGET = "iqn.2026-11.io.appliance:disk1";

    @TempDir
    Path stateDirectory;

    @BeforeEach
    void open() throws Exception {
        SUPPORT.open(stateDirectory);
    }

    @AfterEach
    void close() throws Exception {
        SUPPORT.close();
    }

    @Test
    void createListShowChangeDelete() throws Exception {
        Response created = authorized(API, "/api/v1/targets")
                .post(json("{\"name\":\"" + TARGET + "\",\"alias\":\"first\",\"openAccess\":false}"));
        JsonNode target = body(created, 201);
        assertThat(created.getLocation().getPath()).isEqualTo("/api/v1/targets/" + TARGET);
        assertThat(target.path("name").asText()).isEqualTo(TARGET);
        assertThat(target.path("portalGroupTag").asInt()).isEqualTo(1);

        JsonNode list = body(authorized(API, "/api/v1/targets").get(), 200);
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("alias").asText()).isEqualTo("first");

        JsonNode changed = body(authorized(API, "/api/v1/targets/" + TARGET)
                .method("PATCH", Entity.entity("{\"openAccess\":true}", "application/merge-patch+json")), 200);
        assertThat(changed.path("openAccess").asBoolean()).isTrue();
        assertThat(changed.path("alias").asText()).isEqualTo("first");
        assertThat(SUPPORT.node().registry().find(TARGET).orElseThrow().openAccess()).isTrue();

        JsonNode shown = body(authorized(API, "/api/v1/targets/" + TARGET.toUpperCase()).get(), 200);
        assertThat(shown.path("openAccess").asBoolean()).isTrue();

        assertThat(authorized(API, "/api/v1/targets/" + TARGET).delete().getStatus()).isEqualTo(204);
        assertThat(SUPPORT.node().registry().find(TARGET)).isEmpty();
    }

    @Test
    void invalidFieldsAreNamed() throws Exception {
        assertThat(error(authorized(API, "/api/v1/targets").post(json("{\"name\":\"disk1\"}")), 422))
                .isEqualTo("field 'name': must start with iqn., eui. or naa. (RFC 3720 §3.2.6.3)");
        assertThat(error(authorized(API, "/api/v1/targets").post(json("{\"alias\":\"x\"}")), 422))
                .isEqualTo("field 'name': must not be null");
        assertThat(error(authorized(API, "/api/v1/targets").post(json("{\"name\":\"" + TARGET + "\",\"open\":true}")), 400))
                .startsWith("field 'open': unknown field; known fields: alias, name, openAccess");
        assertThat(error(authorized(API, "/api/v1/targets").post(json("{\"name\":\"" + TARGET + "\",\"openAccess\":\"maybe\"}")), 400))
                .startsWith("field 'openAccess'");
        assertThat(error(authorized(API, "/api/v1/targets").post(json("[]")), 400)).contains("JSON object");
    }

    @Test
    void unknownTargetsAre404AndDuplicates409() throws Exception {
        assertThat(error(authorized(API, "/api/v1/targets/iqn.2026-11.io.appliance:none").get(), 404))
                .isEqualTo("no target iqn.2026-11.io.appliance:none");
        assertThat(error(authorized(API, "/api/v1/targets/iqn.2026-11.io.appliance:none").delete(), 404)).contains("no target");
        authorized(API, "/api/v1/targets").post(json("{\"name\":\"" + TARGET + "\"}")).close();
        assertThat(error(authorized(API, "/api/v1/targets").post(json("{\"name\":\"" + TARGET + "\"}")), 409))
                .contains("exists");
    }

    @Test
    void theNameCannotBeChangedByPatch() throws Exception {
        authorized(API, "/api/v1/targets").post(json("{\"name\":\"" + TARGET + "\"}")).close();
        assertThat(error(authorized(API, "/api/v1/targets/" + TARGET)
                .method("PATCH", json("{\"name\":\"iqn.2026-11.io.appliance:other\"}")), 422))
                .startsWith("field 'name': cannot be changed");
        assertThat(error(authorized(API, "/api/v1/targets/" + TARGET).method("PATCH", json("{\"alias\":\"a\\u0001\"}")), 422))
                .startsWith("field 'alias'");
    }

    @Test
    void withoutTheTokenEverythingIs401() throws Exception {
        Response anonymous = API.target("/api/v1/targets").request(MediaType.APPLICATION_JSON_TYPE).get();
        assertThat(anonymous.getHeaderString("WWW-Authenticate")).startsWith("Bearer");
        assertThat(error(anonymous, 401)).contains("Authorization: Bearer");
        Response wrong = API.target("/api/v1/targets").request().header("Authorization", "Bearer nope")
                .post(json("{\"name\":\"" + TARGET + "\"}"));
        error(wrong, 401);
        assertThat(SUPPORT.node().manager().targets()).isEmpty();
    }
}
