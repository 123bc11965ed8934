package io.appliance.node.cluster;

import io.appliance.iscsi.target.Portal;
import java.io.IOException;

/**
 * The node's iSCSI service as the {@code iscsi-target} agent drives it: portals that come and go
 * with a cluster resource. Contract: blocking, idempotent, thread safe, never called from an event loop.
 */
public interface PortalControl {

    /**
     * Listens on {@code portal} (bound with IP_FREEBIND: its address need not exist yet) and
     * advertises it in SendTargets. Listening already: nothing to do.
     *
     * @throws IOException when the address cannot be bound (the message says why)
     */
    void listen(Portal portal) throws IOException;

    /**
     * Stops advertising and listening on {@code portal} and closes every connection that came in
     * on it (their sessions end). Not listening: nothing to do.
     *
     * @return how many connections were closed
     */
    int stopListening(Portal portal);

    /** True while {@code portal} is bound by {@link #listen}. */
    boolean isListening(Portal portal);
}
