package io.appliance.node.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The appliance's REST API seen from the CLI: one method per HTTP verb, JSON in and out. Every
 * failure becomes a {@link CliException} with a one-line message (the server's own message for
 * error answers).
 */
final class ApiClient {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final ObjectMapper json;

    ApiClient(URI base, String token, ObjectMapper json) {
        this.base = base;
        this.token = token;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    JsonNode get(String path) {
        return send(request(path).GET()).orElseThrow(() -> new CliException("the appliance sent an empty answer to GET " + path));
    }

    JsonNode post(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)))
                .orElseThrow(() -> new CliException("the appliance sent an empty answer to POST " + path));
    }

    JsonNode patch(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)))
                .orElseThrow(() -> new CliException("the appliance sent an empty answer to PATCH " + path));
    }

    void delete(String path) {
        send(request(path).DELETE());
    }

    /** GETs a {@code text/plain} answer. */
    String getText(String path) {
        HttpRequest request = request(path).header("Accept", "text/plain").GET().build();
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 != 2) {
            throw new CliException(errorMessage(request, response.statusCode(), response.body()));
        }
        return response.body();
    }

    /**
     * GETs a {@code text/plain} stream and hands each line to {@code lines} as it arrives, until the
     * server ends the answer. No request timeout: the stream may stay open for days.
     */
    void streamLines(String path, Consumer<String> lines) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .header("Accept", "text/plain")
                .header("Authorization", "Bearer " + token)
                .GET().build();
        HttpResponse<Stream<String>> response = exchange(request, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> body = response.body()) {
            if (response.statusCode() / 100 != 2) {
                throw new CliException(errorMessage(request, response.statusCode(),
                        body.collect(Collectors.joining("\n"))));
            }
            body.forEach(lines);
        } catch (UncheckedIOException e) {
            throw new CliException("the appliance at " + base + " ended the stream: " + e.getCause().getMessage(), e);
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new CliException("cannot reach the appliance at " + base + " (connection refused); is 'appliance server'"
                    + " running? Use --url or APPLIANCE_URL for another address", e);
        } catch (HttpTimeoutException e) {
            throw new CliException("the appliance at " + base + " did not answer in time", e);
        } catch (IOException e) {
            throw new CliException("cannot talk to the appliance at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }

    /** Percent-encodes one path segment (RFC 3986 §3.3: unreserved characters and ':' stay). */
    static String segment(String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~:".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return encoded.toString();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token);
    }

    private Optional<JsonNode> send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new CliException("cannot reach the appliance at " + base + " (connection refused); is 'appliance server'"
                    + " running? Use --url or APPLIANCE_URL for another address", e);
        } catch (HttpTimeoutException e) {
            throw new CliException("the appliance at " + base + " did not answer in time", e);
        } catch (IOException e) {
            throw new CliException("cannot talk to the appliance at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        String body = response.body();
        if (response.statusCode() / 100 != 2) {
            throw new CliException(errorMessage(request, response.statusCode(), body));
        }
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readTree(body));
        } catch (JsonProcessingException e) {
            throw new CliException("the appliance answered " + request.method() + " " + request.uri().getPath()
                    + " with something that is not JSON", e);
        }
    }

    private String errorMessage(HttpRequest request, int status, String body) {
        String message = null;
        try {
            JsonNode error = body == null || body.isBlank() ? null : json.readTree(body);
            if (error != null && error.hasNonNull("message")) {
                message = error.get("message").asText();
            }
        } catch (JsonProcessingException notJson) {
            message = null;
        }
        String hint = status == 401 ? " (pass --token, set APPLIANCE_TOKEN, or point --state-dir at the node's state directory)" : "";
        return (message != null ? message : "HTTP " + status + " for " + request.method() + " " + request.uri().getPath())
                + hint;
    }
}
