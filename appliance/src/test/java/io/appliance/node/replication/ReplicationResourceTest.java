package io.appliance.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appliance.node.api.NodeExceptionMapper;
import io.dropwizard.jackson.Jackson;
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

/** The REST surface over a real replication engine (one node; its peer never answers). */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReplicationResourceTest {

    private static final ObjectMapper MAPPER = Jackson.newObjectMapper();
    private static volatile SingleNodeReplication replication;
    static final ResourceExtension API = ResourceExtension.builder()
            .setMapper(MAPPER)
            .addProvider(new NodeExceptionMapper())
            .addProvider(new ReplicationExceptionMapper())
            .addResource(new ReplicationResource(() -> replication.manager))
            .build();

    @TempDir
    Path stateDirectory;

    @BeforeEach
    void start() throws Exception {
        replication = new SingleNodeReplication(stateDirectory, false);
    }

    @AfterEach
    void stop() throws Exception {
        replication.close();
    }

    @Test
    void createMdUpPrimaryForceAndStatus() throws Exception {
        JsonNode list = body(API.target("/api/v1/replication").request().get(), 200);
        assertThat(list).singleElement().satisfies(r0 -> assertThat(r0.path("name").asText()).isEqualTo("r0"));

        body(post("r0", "create-md", null), 200);
        JsonNode up = body(post("r0", "up", null), 200);
        assertThat(up.path("role").asText()).isEqualTo("Secondary");
        assertThat(up.path("disk").asText()).isEqualTo("Inconsistent");
        assertThat(up.path("peer").asText()).isEqualTo("node2");

        JsonNode primary = body(post("r0", "primary", "{\"force\":true}"), 200);
        assertThat(primary.path("role").asText()).isEqualTo("Primary");
        assertThat(primary.path("disk").asText()).isEqualTo("UpToDate");
        assertThat(primary.path("sizeBytes").asLong()).isPositive();
        assertThat(primary.path("epoch").asLong()).isPositive();
        assertThat(primary.path("generationIds").path("current").asText()).matches("[0-9A-F]{16}");
        assertThat(primary.path("generationIds").path("history")).hasSize(2);
        assertThat(primary.path("counters").has("appWrittenBytes")).isTrue();
        assertThat(primary.has("sync")).isTrue();

        String text = API.target("/api/v1/replication/r0/status").request(MediaType.TEXT_PLAIN_TYPE).get(String.class);
        assertThat(text).startsWith("r0 role:Primary\n").contains("  disk:UpToDate").contains("  node2 connection:");
        String verbose = API.target("/api/v1/replication/r0/status").queryParam("verbose", true)
                .request(MediaType.TEXT_PLAIN_TYPE).get(String.class);
        assertThat(verbose).contains("counters:");
        assertThat(API.target("/api/v1/replication/status").request(MediaType.TEXT_PLAIN_TYPE).get(String.class))
                .startsWith("r0 role:Primary");

        String now = API.target("/api/v1/replication/events").queryParam("now", true)
                .request(MediaType.TEXT_PLAIN_TYPE).get(String.class);
        assertThat(now).contains("exists resource name:r0");

        assertThat(body(post("r0", "secondary", null), 200).path("role").asText()).isEqualTo("Secondary");
        assertThat(body(post("r0", "outdate", null), 200).path("disk").asText()).isEqualTo("Outdated");
        assertThat(body(post("r0", "primary", null), 409).path("reason").asText()).isEqualTo("NEED_UP_TO_DATE");
        body(post("r0", "down", null), 200);
    }

    @Test
    void refusedVerbsAre409WithTheDrbdMessageAndReason() throws Exception {
        JsonNode notUp = body(post("r0", "primary", null), 409);
        assertThat(notUp.path("reason").asText()).isNotBlank();
        assertThat(notUp.path("error").asText()).startsWith("r0");
        assertThat(notUp.path("message").asText()).isEqualTo(notUp.path("error").asText());

        body(post("r0", "create-md", null), 200);
        body(post("r0", "up", null), 200);
        JsonNode needUpToDate = body(post("r0", "primary", "{}"), 409);
        assertThat(needUpToDate.path("reason").asText()).isEqualTo("NEED_UP_TO_DATE");
        assertThat(needUpToDate.path("error").asText()).contains("Need access to UpToDate data");
        JsonNode alreadyUp = body(post("r0", "create-md", null), 409);
        assertThat(alreadyUp.path("reason").asText()).isEqualTo("ALREADY_UP");
        JsonNode notConnected = body(post("r0", "verify", null), 409);
        assertThat(notConnected.path("code").asInt()).isEqualTo(409);
        body(post("r0", "down", null), 200);
    }

    @Test
    void badBodiesUnknownVerbsAndUnknownResources() throws Exception {
        assertThat(body(post("r0", "primary", "{\"forse\":true}"), 400).path("message").asText())
                .contains("field 'forse'").contains("known fields: force");
        assertThat(body(post("r0", "up", "{\"force\":true}"), 400).path("message").asText())
                .contains("field 'force': unknown field for up");
        assertThat(body(post("r0", "primary", "{\"force\":\"yes\"}"), 400).path("message").asText())
                .contains("field 'force': wrong type");
        assertThat(body(post("r0", "promote", null), 404).path("message").asText()).contains("no replication verb promote");
        assertThat(body(post("r9", "up", null), 404).path("message").asText()).contains("no replicated disk r9");
        assertThat(API.target("/api/v1/replication/r9").request().get().getStatus()).isEqualTo(404);
    }

    private static Response post(String resource, String verb, String json) {
        var request = API.target("/api/v1/replication/" + resource + "/" + verb).request(MediaType.APPLICATION_JSON_TYPE);
        return json == null ? request.post(Entity.json("")) : request.post(Entity.json(json));
    }

    private static JsonNode body(Response response, int status) throws Exception {
        String body = response.readEntity(String.class);
        assertThat(response.getStatus()).as(body).isEqualTo(status);
        return MAPPER.readTree(body);
    }
}
