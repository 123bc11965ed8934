package io.appliance.node.cluster;

/**
 * Why a cluster request was refused; one subclass per answer, mapped to HTTP by
 * {@link ClusterExceptionMapper} only.
 */
public abstract sealed class ClusterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ClusterException(String message) {
        super(message);
    }

    /** This node has no {@code cluster} section (404). */
    public static final class NotConfigured extends ClusterException {
        private static final long serialVersionUID = 1L;

        public NotConfigured() {
            super("clustering is not configured on this node");
        }
    }

    /** No such node or resource in the cluster's configuration (404). */
    public static final class Unknown extends ClusterException {
        private static final long serialVersionUID = 1L;

        public Unknown(String message) {
            super(message);
        }
    }

    /** A request body that cannot be used; the message names the field (400). */
    public static final class BadRequest extends ClusterException {
        private static final long serialVersionUID = 1L;

        public BadRequest(String message) {
            super(message);
        }
    }

    /** No coordinator with quorum took the change in time, or the stack is not running (503). */
    public static final class Unavailable extends ClusterException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }
    }
}
