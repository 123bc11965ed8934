package io.appliance.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appliance.node.NodeFixture;
import io.appliance.node.runtime.TargetManager;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Builds {@link ResourceExtension}s over a real {@link TargetManager} on a temporary state directory. */
final class ApiTestSupport {

    static final String TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final ObjectMapper MAPPER = Jackson.newObjectMapper();

    private NodeFixture node;

    /** The manager of the current test's node; resources ask for it per request. */
    final Supplier<TargetManager> targets = () -> node.manager();
    final RequestReader requests = new RequestReader(MAPPER, Validators.newValidator());

    ResourceExtension.Builder extension(Object... resources) {
        ResourceExtension.Builder builder = ResourceExtension.builder()
                .setMapper(MAPPER)
                .addProvider(new NodeExceptionMapper());
        ApiAuthentication.providers(TOKEN).forEach(builder::addProvider);
        for (Object resource : resources) {
            builder.addResource(resource);
        }
        return builder;
    }

    void open(Path stateDirectory) throws Exception {
        node = new NodeFixture(stateDirectory);
    }

    void close() throws Exception {
        node.close();
    }

    NodeFixture node() {
        return node;
    }

    static Invocation.Builder authorized(ResourceExtension api, String path) {
        return api.target(path).request(MediaType.APPLICATION_JSON_TYPE).header("Authorization", "Bearer " + TOKEN);
    }

    static Entity<String> json(String body) {
        return Entity.entity(body, MediaType.APPLICATION_JSON_TYPE);
    }

    /** Asserts the status and that the body is {@code {"code":status,"message":...}}; returns the message. */
    static String error(Response response, int status) throws Exception {
        String body = response.readEntity(String.class);
        assertThat(response.getStatus()).as(body).isEqualTo(status);
        JsonNode json = MAPPER.readTree(body);
        assertThat(json.path("code").asInt()).isEqualTo(status);
        return json.path("message").asText();
    }

    static JsonNode body(Response response, int status) throws Exception {
        String body = response.readEntity(String.class);
        assertThat(response.getStatus()).as(body).isEqualTo(status);
        return MAPPER.readTree(body);
    }
}
