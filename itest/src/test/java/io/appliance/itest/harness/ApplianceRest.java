package io.appliance.itest.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small client of the node's REST API ({@code /api/v1}, JSON, {@code Authorization: Bearer}).
 * Paths are relative to {@code /api/v1}, such as {@code /targets}. Every request has a timeout.
 */
public final class ApplianceRest {

    private static final Duration REQUEST_LIMIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String token;

    /**
     * @param base  the server's root, such as {@code http://127.0.0.1:8080}
     * @param token the bearer token, or {@code null} to send none
     */
    public ApplianceRest(URI base, String token) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.token = token;
    }

    /** The same server without a token, for checking that the API refuses anonymous calls. */
    public ApplianceRest anonymous() {
        return new ApplianceRest(base, null);
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    public Response post(String path, Object body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    public Response patch(String path, Object body) throws IOException, InterruptedException {
        return send("PATCH", path, body);
    }

    public Response delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null);
    }

    /** Sends {@code body} (serialised to JSON unless {@code null}) and returns the status and text of the answer. */
    public Response send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/v1" + path))
                .timeout(REQUEST_LIMIT)
                .header("Accept", "application/json")
                .method(method, publisher);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(method + " " + path, response.statusCode(), response.body());
    }

    /**
     * One answer of the API.
     *
     * @param request what was asked, for assertion messages
     * @param status  the HTTP status
     * @param body    the response text
     */
    public record Response(String request, int status, String body) {

        /** The body parsed as JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(request + " -> " + status + ": body is not JSON: " + body, e);
            }
        }

        /** The body as JSON, after checking the status; fails with the request, status and body otherwise. */
        public JsonNode expect(int expectedStatus) {
            if (status != expectedStatus) {
                throw new AssertionError(request + " -> " + status + " (expected " + expectedStatus + "): " + body);
            }
            return body.isEmpty() ? JSON.nullNode() : json();
        }
    }
}
