package io.appliance.node.api;

import java.util.List;

/** {@code GET /api/v1/status}. */
public record StatusView(String nodeName, String version, List<String> portals, int targets, List<SessionView> sessions) {
}
