package io.appliance.replication.wire;

import io.appliance.replication.state.Role;
import java.util.Objects;
import java.util.Optional;

/**
 * The handshake's acceptance rules as pure functions (design §4, §6): each returns the
 * {@link Refused} to send, or empty when the peer's packet is acceptable. Messages name the
 * field and both values, in DRBD's words, so that an operator can fix the configuration.
 */
public final class HandshakeRules {

    private HandshakeRules() {
    }

    /** Same resource name, and the version ranges overlap. */
    public static Optional<Refused> checkHello(String localResource, int localMin, int localMax, Hello remote) {
        Objects.requireNonNull(localResource, "localResource");
        checkRange(localMin, localMax);
        if (!localResource.equals(remote.resource())) {
            return refuse(RefusalReason.WRONG_RESOURCE, "peer connects for resource '" + remote.resource()
                    + "', this endpoint serves '" + localResource + "'");
        }
        if (!overlaps(localMin, localMax, remote)) {
            return refuse(RefusalReason.VERSION, "incompatible protocol versions: this node " + localMin + ".."
                    + localMax + ", peer " + remote.versionMin() + ".." + remote.versionMax());
        }
        return Optional.empty();
    }

    /**
     * The version both speak: the highest in both ranges.
     *
     * @throws IllegalArgumentException if the ranges do not overlap (check with {@link #checkHello} first)
     */
    public static int agreedVersion(int localMin, int localMax, Hello remote) {
        checkRange(localMin, localMax);
        if (!overlaps(localMin, localMax, remote)) {
            throw new IllegalArgumentException("no common protocol version: " + localMin + ".." + localMax
                    + " and " + remote.versionMin() + ".." + remote.versionMax());
        }
        return Math.min(localMax, remote.versionMax());
    }

    /**
     * What DRBD refuses to connect with (drbd_receiver.c receive_protocol()): a different
     * protocol, after-sb-0pri/1pri/2pri, allow-two-primaries, verify-alg or csums-alg. The first
     * difference found is reported.
     */
    public static Optional<Refused> checkParams(Params local, Params remote) {
        Optional<Refused> refused = differ("protocol", local.protocol().drbdName(), remote.protocol().drbdName());
        if (refused.isEmpty()) {
            refused = differ("after-sb-0pri", local.sb0().drbdName(), remote.sb0().drbdName());
        }
        if (refused.isEmpty()) {
            refused = differ("after-sb-1pri", local.sb1().drbdName(), remote.sb1().drbdName());
        }
        if (refused.isEmpty()) {
            refused = differ("after-sb-2pri", local.sb2().drbdName(), remote.sb2().drbdName());
        }
        if (refused.isEmpty()) {
            refused = differ("allow-two-primaries", yesNo(local.allowTwoPrimaries()), yesNo(remote.allowTwoPrimaries()));
        }
        if (refused.isEmpty()) {
            refused = differ("verify-alg", algorithm(local.verifyAlg()), algorithm(remote.verifyAlg()));
        }
        if (refused.isEmpty()) {
            refused = differ("csums-alg", algorithm(local.csumsAlg()), algorithm(remote.csumsAlg()));
        }
        return refused;
    }

    /**
     * A peer that is Primary with an epoch below the highest this node has seen was promoted
     * before a later promotion elsewhere: a stale primary, fenced (BookKeeper-style epochs).
     */
    public static Optional<Refused> checkEpoch(long highestEpochSeen, State remote) {
        if (remote.role() == Role.PRIMARY && remote.epoch() < highestEpochSeen) {
            return refuse(RefusalReason.STALE_EPOCH, "peer is Primary with epoch " + remote.epoch()
                    + ", older than epoch " + highestEpochSeen + " seen here: stale primary refused");
        }
        return Optional.empty();
    }

    /** The size both nodes use: the smaller of both usable sizes. */
    public static long agreedSize(Sizes local, Sizes remote) {
        return Math.min(local.dataBytes(), remote.dataBytes());
    }

    /**
     * The agreed size must not shrink below the last agreed size of a node whose data is
     * UpToDate (that would cut off data the other side may rely on).
     */
    public static Optional<Refused> checkSizes(Sizes local, boolean localUpToDate, Sizes remote, boolean remoteUpToDate) {
        long agreed = agreedSize(local, remote);
        if (localUpToDate && agreed < local.lastAgreedBytes()) {
            return refuse(RefusalReason.SIZE_MISMATCH, "the peer's disk (" + remote.dataBytes()
                    + " bytes) is smaller than the last agreed size " + local.lastAgreedBytes() + " of this node's UpToDate data");
        }
        if (remoteUpToDate && agreed < remote.lastAgreedBytes()) {
            return refuse(RefusalReason.SIZE_MISMATCH, "this node's disk (" + local.dataBytes()
                    + " bytes) is smaller than the last agreed size " + remote.lastAgreedBytes() + " of the peer's UpToDate data");
        }
        return Optional.empty();
    }

    private static Optional<Refused> differ(String field, String local, String remote) {
        if (local.equals(remote)) {
            return Optional.empty();
        }
        return refuse(RefusalReason.INCOMPATIBLE_PARAMS, "incompatible " + field + ": this node " + local
                + ", peer " + remote);
    }

    private static boolean overlaps(int localMin, int localMax, Hello remote) {
        return localMin <= remote.versionMax() && remote.versionMin() <= localMax;
    }

    private static void checkRange(int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("local version range " + min + ".." + max + " is empty or below 1");
        }
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    private static String algorithm(String name) {
        return name.isEmpty() ? "(none)" : name;
    }

    private static Optional<Refused> refuse(RefusalReason reason, String message) {
        return Optional.of(new Refused(reason, message));
    }
}
