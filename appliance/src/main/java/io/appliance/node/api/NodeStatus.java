package io.appliance.node.api;

import java.util.List;

/** What {@code GET /api/v1/status} and {@code /sessions} report; implemented by the running node. */
public interface NodeStatus {

    String nodeName();

    /** The appliance's version. */
    String version();

    /** The iSCSI portals the node listens on, {@code address:port}, ports as bound. */
    List<String> portals();

    int targetCount();

    List<SessionView> sessions();
}
