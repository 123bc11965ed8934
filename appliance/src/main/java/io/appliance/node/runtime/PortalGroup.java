package io.appliance.node.runtime;

import io.appliance.iscsi.target.Portal;
import java.util.List;

/**
 * The node's target portal group (RFC 7143 §4.4.1): its tag and the portals its targets are
 * reachable on, as SendTargets reports them. The portals may change once, when the server has
 * bound them (a configured port 0 becomes a real port); callers ask each time they need them.
 */
public interface PortalGroup {

    /** The target portal group tag, 1..65535. */
    int tag();

    /** The portals, in configuration order. */
    List<Portal> portals();
}
