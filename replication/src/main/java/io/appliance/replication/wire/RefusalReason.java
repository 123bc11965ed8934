package io.appliance.replication.wire;

/** Why a handshake was refused ({@link Refused}); travels as its ordinal: append, never reorder. */
public enum RefusalReason {
    /** The Hello names another resource. */
    WRONG_RESOURCE,
    /** The protocol version ranges do not overlap. */
    VERSION,
    /** The peer's CRAM-HMAC response is wrong (wrong secret or algorithm). */
    AUTH_FAILED,
    /** This side has a shared secret and the peer does not authenticate. */
    AUTH_REQUIRED,
    /** protocol, after-sb policies, verify/csums algorithms or allow-two-primaries differ. */
    INCOMPATIBLE_PARAMS,
    /** The agreed size would shrink below the last agreed size of a node with UpToDate data. */
    SIZE_MISMATCH,
    /** The peer is Primary with an epoch lower than the highest this node has seen. */
    STALE_EPOCH,
    /** Split brain not resolved by the after-sb policies. */
    SPLIT_BRAIN,
    /** The generation identifiers share no history. */
    UNRELATED_DATA,
    /** Both would be Primary without allow-two-primaries. */
    PRIMARY_CONFLICT,
    /** The resource already has a connection. */
    BUSY
}
