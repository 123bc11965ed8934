package io.appliance.itest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The replication verbs and status of one resource on one node, over REST
 * ({@code /api/v1/replication/{res}}): {@code POST .../{verb}} with an optional JSON body, and
 * {@code GET} for the status view. {@link #awaitStatus} polls with a bound.
 */
public final class ReplicationClient {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    /** Verbs may wait for a state change bounded by the resource's timeout; the request waits longer. */
    private static final Duration VERB_LIMIT = Duration.ofSeconds(60);

    private final String nodeName;
    private final NamespaceRest rest;
    private final String resource;

    public ReplicationClient(String nodeName, NamespaceRest rest, String resource) {
        this.nodeName = nodeName;
        this.rest = rest;
        this.resource = resource;
    }

    /** {@code POST /replication/{res}/{verb}} with {@code body} (or none); the answer as it came. */
    public ApplianceRest.Response verb(String verb, Map<String, Object> body) throws IOException, InterruptedException {
        return rest.send("POST", "/replication/" + resource + "/" + verb, body, VERB_LIMIT);
    }

    /** Runs the verb and fails the test unless it answered 200; returns the status view. */
    public JsonNode expectVerb(String verb) throws IOException, InterruptedException {
        return expectVerb(verb, null);
    }

    public JsonNode expectVerb(String verb, Map<String, Object> body) throws IOException, InterruptedException {
        ApplianceRest.Response response = verb(verb, body);
        if (response.status() != 200) {
            throw new AssertionError(nodeName + ": " + response.request() + " -> " + response.status() + ": " + response.body());
        }
        return response.json();
    }

    /** The status view ({@code GET /replication/{res}}). */
    public JsonNode status() throws IOException, InterruptedException {
        ApplianceRest.Response response = rest.get("/replication/" + resource);
        if (response.status() != 200) {
            throw new AssertionError(nodeName + ": " + response.request() + " -> " + response.status() + ": " + response.body());
        }
        return response.json();
    }

    /** {@code drbdadm status} style text ({@code GET /replication/{res}/status?verbose=...}). */
    public String statusText(boolean verbose) throws IOException, InterruptedException {
        ApplianceRest.Response response = rest.getText("/replication/" + resource + "/status?verbose=" + verbose);
        if (response.status() != 200) {
            throw new AssertionError(nodeName + ": " + response.request() + " -> " + response.status() + ": " + response.body());
        }
        return response.body();
    }

    /**
     * Polls the status until {@code condition} holds, at most {@code limit}; fails with the
     * description and the last status seen otherwise. Returns the status that satisfied it.
     */
    public JsonNode awaitStatus(String description, Duration limit, Predicate<JsonNode> condition)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode last = null;
        while (true) {
            last = status();
            if (condition.test(last)) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(nodeName + ": " + resource + " not " + description + " within " + limit
                        + "; last status: " + last);
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** Connected, Established, this disk and the peer's UpToDate: nothing left to sync. */
    public static boolean inSync(JsonNode status) {
        return "Connected".equals(status.path("connection").asText())
                && "Established".equals(status.path("replication").asText())
                && "UpToDate".equals(status.path("disk").asText())
                && "UpToDate".equals(status.path("peerDisk").asText())
                && status.path("outOfSyncBytes").asLong(-1) == 0;
    }

    public String resource() {
        return resource;
    }
}
