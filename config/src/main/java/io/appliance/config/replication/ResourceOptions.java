package io.appliance.config.replication;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The tunables of a replicated disk, with DRBD's meaning. Each component names its DRBD key and unit.
 * The record only refuses nulls; ranges and cross-field rules are checked by {@link ResourceDefinition},
 * whose errors name the resource. {@link #toString()} never shows the shared secret.
 *
 * @param protocol DRBD {@code protocol}: when a write is acknowledged. Default C.
 * @param verifyAlg DRBD {@code verify-alg}: digest compared block by block by online verify; absent:
 *     verify is refused. Default absent.
 * @param csumsAlg DRBD {@code csums-alg}: digest for checksum-based resync (blocks whose digests match
 *     are not sent); absent: resync sends every out-of-sync block. Default absent.
 * @param sharedSecret DRBD {@code shared-secret}: the peer authentication secret; set together with
 *     {@code cramHmacAlg} or not at all. Default absent (no authentication).
 * @param cramHmacAlg DRBD {@code cram-hmac-alg}: the HMAC of the authentication challenge.
 * @param afterSb0Pri DRBD {@code after-sb-0pri}: split-brain policy with no primary. Default disconnect.
 * @param discardNode the NODENAME of {@code after-sb-0pri discard-node-NODENAME}; present exactly when
 *     {@code afterSb0Pri} is {@link AfterSb0Pri#DISCARD_NODE}, and names one of the two hosts.
 * @param afterSb1Pri DRBD {@code after-sb-1pri}: split-brain policy with one primary. Default disconnect.
 * @param afterSb2Pri DRBD {@code after-sb-2pri}: split-brain policy with two primaries. Default disconnect.
 * @param fencing DRBD {@code fencing}. Default dont-care.
 * @param onIoError DRBD {@code on-io-error}. Default detach.
 * @param resyncRateBytesPerSecond DRBD {@code resync-rate} (8.3: {@code syncer rate}), in bytes per
 *     second (DRBD writes KiB/s): the resync ceiling. DRBD's default is 250 KiB/s, made for 2008
 *     disks; ours is 100 MiB/s. Range 1 KiB/s .. 4 GiB/s.
 * @param cMinRateBytesPerSecond DRBD {@code c-min-rate}, in bytes per second: the resync rate that
 *     is kept even while application I/O is running (the floor); 0 lets application I/O stop the
 *     resync. Default 250 KiB/s. Range 0 .. 4 GiB/s.
 * @param alExtents DRBD {@code al-extents}: the number of 4 MiB activity-log extents (hot areas
 *     resynced after a primary crash). Range 7..65534, default 1237.
 * @param allowTwoPrimaries DRBD {@code allow-two-primaries}: dual-primary mode. Default false.
 * @param connectInterval DRBD {@code connect-int} (seconds): pause between connection attempts.
 *     Range 1 s .. 120 s, default 10 s.
 * @param pingInterval DRBD {@code ping-int} (seconds): idle time after which a keep-alive ping is
 *     sent. Range 1 s .. 120 s, default 10 s.
 * @param pingTimeout DRBD {@code ping-timeout} (tenths of a second): time to wait for a ping answer.
 *     Range 100 ms .. 30 s, default 500 ms.
 * @param timeout DRBD {@code timeout} (tenths of a second): time for the peer to answer a data
 *     packet before the connection is declared dead. Range 100 ms .. 60 s, default 6 s. drbd.conf(5)
 *     wants it lower than {@code connect-int} and {@code ping-int}; the importer warns when it is not
 *     (not an error here: tests use short intervals with a longer timeout).
 * @param maxDataPacketBytes the largest replicated write carried in one data packet, in bytes; larger
 *     writes are split (DRBD's max-bio-size). Range 4 KiB .. 16 MiB, a multiple of 512; default 1 MiB.
 */
public record ResourceOptions(
        ReplicationProtocol protocol,
        Optional<DigestAlgorithm> verifyAlg,
        Optional<DigestAlgorithm> csumsAlg,
        Optional<String> sharedSecret,
        Optional<HmacAlgorithm> cramHmacAlg,
        AfterSb0Pri afterSb0Pri,
        Optional<String> discardNode,
        AfterSb1Pri afterSb1Pri,
        AfterSb2Pri afterSb2Pri,
        FencingPolicy fencing,
        OnIoError onIoError,
        long resyncRateBytesPerSecond,
        long cMinRateBytesPerSecond,
        int alExtents,
        boolean allowTwoPrimaries,
        Duration connectInterval,
        Duration pingInterval,
        Duration pingTimeout,
        Duration timeout,
        long maxDataPacketBytes) {

    /** Default {@link #resyncRateBytesPerSecond()}: 100 MiB/s. */
    public static final long DEFAULT_RESYNC_RATE_BYTES_PER_SECOND = 100L * 1024 * 1024;
    /** Default {@link #cMinRateBytesPerSecond()}: 250 KiB/s, as DRBD. */
    public static final long DEFAULT_C_MIN_RATE_BYTES_PER_SECOND = 250L * 1024;
    /** Default {@link #alExtents()}: 1237, as DRBD. */
    public static final int DEFAULT_AL_EXTENTS = 1237;
    /** Default {@link #maxDataPacketBytes()}: 1 MiB, DRBD's largest request. */
    public static final long DEFAULT_MAX_DATA_PACKET_BYTES = 1024L * 1024;

    private static final ResourceOptions DEFAULTS = new ResourceOptions(
            ReplicationProtocol.C, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            AfterSb0Pri.DISCONNECT, Optional.empty(), AfterSb1Pri.DISCONNECT, AfterSb2Pri.DISCONNECT,
            FencingPolicy.DONT_CARE, OnIoError.DETACH,
            DEFAULT_RESYNC_RATE_BYTES_PER_SECOND, DEFAULT_C_MIN_RATE_BYTES_PER_SECOND, DEFAULT_AL_EXTENTS, false,
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(6),
            DEFAULT_MAX_DATA_PACKET_BYTES);

    public ResourceOptions {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(verifyAlg, "verifyAlg");
        Objects.requireNonNull(csumsAlg, "csumsAlg");
        Objects.requireNonNull(sharedSecret, "sharedSecret");
        Objects.requireNonNull(cramHmacAlg, "cramHmacAlg");
        Objects.requireNonNull(afterSb0Pri, "afterSb0Pri");
        Objects.requireNonNull(discardNode, "discardNode");
        Objects.requireNonNull(afterSb1Pri, "afterSb1Pri");
        Objects.requireNonNull(afterSb2Pri, "afterSb2Pri");
        Objects.requireNonNull(fencing, "fencing");
        Objects.requireNonNull(onIoError, "onIoError");
        Objects.requireNonNull(connectInterval, "connectInterval");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(pingTimeout, "pingTimeout");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** The defaults listed on each component. */
    public static ResourceOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Like the record's, with the shared secret masked. */
    @Override
    public String toString() {
        return "ResourceOptions[protocol=" + protocol
                + ", verifyAlg=" + verifyAlg.map(DigestAlgorithm::drbdName).orElse("none")
                + ", csumsAlg=" + csumsAlg.map(DigestAlgorithm::drbdName).orElse("none")
                + ", sharedSecret=" + (sharedSecret.isPresent() ? "(set)" : "none")
                + ", cramHmacAlg=" + cramHmacAlg.map(HmacAlgorithm::drbdName).orElse("none")
                + ", afterSb0Pri=" + afterSb0Pri.drbdName() + discardNode.map(node -> "-" + node).orElse("")
                + ", afterSb1Pri=" + afterSb1Pri.drbdName()
                + ", afterSb2Pri=" + afterSb2Pri.drbdName()
                + ", fencing=" + fencing.drbdName()
                + ", onIoError=" + onIoError.drbdName()
                + ", resyncRateBytesPerSecond=" + resyncRateBytesPerSecond
                + ", cMinRateBytesPerSecond=" + cMinRateBytesPerSecond
                + ", alExtents=" + alExtents
                + ", allowTwoPrimaries=" + allowTwoPrimaries
                + ", connectInterval=" + connectInterval
                + ", pingInterval=" + pingInterval
                + ", pingTimeout=" + pingTimeout
                + ", timeout=" + timeout
                + ", maxDataPacketBytes=" + maxDataPacketBytes + "]";
    }

    /** Builds {@link ResourceOptions}; setters are named after the components. Not thread-safe. */
    public static final class Builder {
        private ReplicationProtocol protocol;
        private Optional<DigestAlgorithm> verifyAlg;
        private Optional<DigestAlgorithm> csumsAlg;
        private Optional<String> sharedSecret;
        private Optional<HmacAlgorithm> cramHmacAlg;
        private AfterSb0Pri afterSb0Pri;
        private Optional<String> discardNode;
        private AfterSb1Pri afterSb1Pri;
        private AfterSb2Pri afterSb2Pri;
        private FencingPolicy fencing;
        private OnIoError onIoError;
        private long resyncRateBytesPerSecond;
        private long cMinRateBytesPerSecond;
        private int alExtents;
        private boolean allowTwoPrimaries;
        private Duration connectInterval;
        private Duration pingInterval;
        private Duration pingTimeout;
        private Duration timeout;
        private long maxDataPacketBytes;

        private Builder(ResourceOptions from) {
            protocol = from.protocol;
            verifyAlg = from.verifyAlg;
            csumsAlg = from.csumsAlg;
            sharedSecret = from.sharedSecret;
            cramHmacAlg = from.cramHmacAlg;
            afterSb0Pri = from.afterSb0Pri;
            discardNode = from.discardNode;
            afterSb1Pri = from.afterSb1Pri;
            afterSb2Pri = from.afterSb2Pri;
            fencing = from.fencing;
            onIoError = from.onIoError;
            resyncRateBytesPerSecond = from.resyncRateBytesPerSecond;
            cMinRateBytesPerSecond = from.cMinRateBytesPerSecond;
            alExtents = from.alExtents;
            allowTwoPrimaries = from.allowTwoPrimaries;
            connectInterval = from.connectInterval;
            pingInterval = from.pingInterval;
            pingTimeout = from.pingTimeout;
            timeout = from.timeout;
            maxDataPacketBytes = from.maxDataPacketBytes;
        }

        public Builder protocol(ReplicationProtocol value) {
            protocol = value;
            return this;
        }

        public Builder verifyAlg(Optional<DigestAlgorithm> value) {
            verifyAlg = value;
            return this;
        }

        public Builder verifyAlg(DigestAlgorithm value) {
            return verifyAlg(Optional.of(value));
        }

        public Builder csumsAlg(Optional<DigestAlgorithm> value) {
            csumsAlg = value;
            return this;
        }

        public Builder csumsAlg(DigestAlgorithm value) {
            return csumsAlg(Optional.of(value));
        }

        public Builder sharedSecret(Optional<String> value) {
            sharedSecret = value;
            return this;
        }

        public Builder cramHmacAlg(Optional<HmacAlgorithm> value) {
            cramHmacAlg = value;
            return this;
        }

        /** Sets {@code cram-hmac-alg} and {@code shared-secret} together. */
        public Builder authentication(HmacAlgorithm algorithm, String secret) {
            cramHmacAlg = Optional.of(algorithm);
            sharedSecret = Optional.of(secret);
            return this;
        }

        /** {@code after-sb-0pri} other than {@code discard-node-NODENAME}; clears {@code discardNode}. */
        public Builder afterSb0Pri(AfterSb0Pri value) {
            afterSb0Pri = value;
            discardNode = Optional.empty();
            return this;
        }

        /** {@code after-sb-0pri discard-node-NODENAME}. */
        public Builder afterSb0PriDiscardNode(String nodeName) {
            afterSb0Pri = AfterSb0Pri.DISCARD_NODE;
            discardNode = Optional.of(nodeName);
            return this;
        }

        /** Sets the NODENAME of {@code discard-node-NODENAME} alone; {@link #afterSb0PriDiscardNode} sets both. */
        public Builder discardNode(Optional<String> value) {
            discardNode = value;
            return this;
        }

        public Builder afterSb1Pri(AfterSb1Pri value) {
            afterSb1Pri = value;
            return this;
        }

        public Builder afterSb2Pri(AfterSb2Pri value) {
            afterSb2Pri = value;
            return this;
        }

        public Builder fencing(FencingPolicy value) {
            fencing = value;
            return this;
        }

        public Builder onIoError(OnIoError value) {
            onIoError = value;
            return this;
        }

        public Builder resyncRateBytesPerSecond(long value) {
            resyncRateBytesPerSecond = value;
            return this;
        }

        public Builder cMinRateBytesPerSecond(long value) {
            cMinRateBytesPerSecond = value;
            return this;
        }

        public Builder alExtents(int value) {
            alExtents = value;
            return this;
        }

        public Builder allowTwoPrimaries(boolean value) {
            allowTwoPrimaries = value;
            return this;
        }

        public Builder connectInterval(Duration value) {
            connectInterval = value;
            return this;
        }

        public Builder pingInterval(Duration value) {
            pingInterval = value;
            return this;
        }

        public Builder pingTimeout(Duration value) {
            pingTimeout = value;
            return this;
        }

        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        public Builder maxDataPacketBytes(long value) {
            maxDataPacketBytes = value;
            return this;
        }

        /** @throws NullPointerException if a component was set to null */
        public ResourceOptions build() {
            return new ResourceOptions(protocol, verifyAlg, csumsAlg, sharedSecret, cramHmacAlg, afterSb0Pri,
                    discardNode, afterSb1Pri, afterSb2Pri, fencing, onIoError, resyncRateBytesPerSecond,
                    cMinRateBytesPerSecond, alExtents, allowTwoPrimaries, connectInterval, pingInterval, pingTimeout,
                    timeout, maxDataPacketBytes);
        }
    }
}
