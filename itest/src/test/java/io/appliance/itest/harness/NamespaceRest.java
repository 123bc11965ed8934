package io.appliance.itest.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's REST API reached from inside its network namespace: each request is one
 * {@code ip netns exec NS curl} to {@code 127.0.0.1}, since the test JVM lives in the host's
 * namespace. Answers have the shape of {@link ApplianceRest.Response}. Every request has a timeout.
 */
public final class NamespaceRest {

    private static final Duration REQUEST_LIMIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** curl prints this line and the status after the body ({@code --write-out}). */
    private static final String STATUS_MARKER = "\n#http-status:";

    private final String namespace;
    private final int port;
    private final String token;

    public NamespaceRest(String namespace, int port, String token) {
        this.namespace = namespace;
        this.port = port;
        this.token = token;
    }

    public ApplianceRest.Response get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, REQUEST_LIMIT);
    }

    public ApplianceRest.Response post(String path, Object body) throws IOException, InterruptedException {
        return send("POST", path, body, REQUEST_LIMIT);
    }

    /** A GET that asks for {@code text/plain}, such as the {@code drbdadm status} style text. */
    public ApplianceRest.Response getText(String path) throws IOException, InterruptedException {
        return send("GET", path, null, REQUEST_LIMIT, "text/plain");
    }

    /**
     * Sends {@code body} (as JSON unless {@code null}) to {@code /api/v1 + path}.
     *
     * @throws IOException when curl could not reach the server at all (connection refused, timeout)
     */
    public ApplianceRest.Response send(String method, String path, Object body, Duration limit)
            throws IOException, InterruptedException {
        return send(method, path, body, limit, "application/json");
    }

    private ApplianceRest.Response send(String method, String path, Object body, Duration limit, String accept)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "curl", "--silent", "--show-error",
                "--max-time", Long.toString(Math.max(1, limit.toSeconds())), "--request", method,
                "--header", "Accept: " + accept, "--header", "Authorization: Bearer " + token,
                "--write-out", STATUS_MARKER + "%{http_code}"));
        if (body != null) {
            command.addAll(List.of("--header", "Content-Type: application/json", "--data-raw", toJson(body)));
        }
        command.add("http://127.0.0.1:" + port + "/api/v1" + path);
        ToolResult result = Tool.of(command).timeout(limit.plusSeconds(10)).run();
        String output = result.stdout();
        int marker = output.lastIndexOf(STATUS_MARKER);
        if (!result.succeeded() || marker < 0) {
            throw new IOException(method + " " + path + " in " + namespace + ": " + result.describe());
        }
        int status = Integer.parseInt(output.substring(marker + STATUS_MARKER.length()).strip());
        return new ApplianceRest.Response(method + " " + path, status, output.substring(0, marker));
    }

    private static String toJson(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body not serialisable: " + body, e);
        }
    }
}
