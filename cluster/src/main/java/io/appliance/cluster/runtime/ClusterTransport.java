package io.appliance.cluster.runtime;

/**
 * The cluster's messaging.
 *
 * <p>Contract: {@link #send} and {@link #broadcast} never block for long (they queue and return) and never
 * throw for a lost peer; messages between two members arrive in order, at most once; the listener is called
 * on a transport thread (the runtime hops to its own thread); a node receives its own broadcasts too.
 */
public interface ClusterTransport extends AutoCloseable {

    String localNode();

    void start(Listener listener) throws Exception;

    void broadcast(byte[] payload);

    void send(String node, byte[] payload);

    /**
     * Leaves the cluster and joins it again, for a fresh view; returns at once (the new view arrives through the
     * listener). Called when this node's view has a coordinator that has not been heard for long: the membership
     * layer no longer agrees with itself (e.g. two views under one view id after a merge raced with a partition).
     */
    void rejoin();

    @Override
    void close();

    /** Receives views and messages, on a transport thread. */
    interface Listener {
        void onView(MembershipView view);

        void onMessage(String fromNode, byte[] payload);
    }
}
