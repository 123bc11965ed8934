package io.appliance.replication.wire;

import io.appliance.config.replication.HmacAlgorithm;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One side of DRBD's mutual CRAM-HMAC peer authentication ({@code shared-secret},
 * {@code cram-hmac-alg}). Each side sends a random challenge; each answers the other's challenge
 * with HMAC(secret, challenge); each verifies the answer to its own challenge.
 *
 * <p>A peer that sends our own challenge back would make us compute the answer it needs
 * (a reflection attack); {@link #respond} refuses that. Responses are compared in constant time.
 * One instance per connection attempt; not thread-safe (used on the connection's event loop).
 */
public final class PeerAuthenticator {

    /** Length of the challenges this side sends. */
    public static final int CHALLENGE_BYTES = 32;

    private final HmacAlgorithm algorithm;
    private final SecretKeySpec key;
    private final SecureRandom random;
    /** Our last challenge: kept after verification so that a late reflection is still recognised. */
    private byte[] ownChallenge;
    private boolean awaitingResponse;

    /**
     * @param secret the shared secret's bytes (UTF-8 of the configured string); not empty
     * @throws IllegalArgumentException if the secret is empty or the JVM lacks the HMAC algorithm
     */
    public PeerAuthenticator(HmacAlgorithm algorithm, byte[] secret, SecureRandom random) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(secret, "secret");
        if (secret.length == 0) {
            throw new IllegalArgumentException("the shared secret is empty");
        }
        this.key = new SecretKeySpec(secret, algorithm.jcaName());
        this.random = Objects.requireNonNull(random, "random");
        newMac();
    }

    public HmacAlgorithm algorithm() {
        return algorithm;
    }

    /** A fresh 32-byte challenge to send to the peer; it replaces any earlier outstanding one. */
    public byte[] newChallenge() {
        byte[] challenge = new byte[CHALLENGE_BYTES];
        random.nextBytes(challenge);
        ownChallenge = challenge;
        awaitingResponse = true;
        return challenge.clone();
    }

    /**
     * The answer to the peer's challenge.
     *
     * @throws AuthenticationException if the challenge is our own last one (reflection) or
     *                                 its length is outside 16..64 bytes
     */
    public byte[] respond(byte[] peerChallenge) {
        Objects.requireNonNull(peerChallenge, "peerChallenge");
        if (peerChallenge.length < WireFormat.MIN_CHALLENGE_BYTES || peerChallenge.length > WireFormat.MAX_CHALLENGE_BYTES) {
            throw new AuthenticationException("peer challenge of " + peerChallenge.length + " bytes, outside "
                    + WireFormat.MIN_CHALLENGE_BYTES + ".." + WireFormat.MAX_CHALLENGE_BYTES);
        }
        if (ownChallenge != null && MessageDigest.isEqual(peerChallenge, ownChallenge)) {
            // DRBD drbd_do_auth(): "Peer presented the same challenge!"
            throw new AuthenticationException("the peer presented our own challenge (reflection)");
        }
        return newMac().doFinal(peerChallenge);
    }

    /**
     * Whether {@code response} is HMAC(secret, our outstanding challenge), compared in constant
     * time. The challenge is used up either way; false if none is outstanding.
     */
    public boolean verify(byte[] response) {
        Objects.requireNonNull(response, "response");
        if (!awaitingResponse) {
            return false;
        }
        awaitingResponse = false;
        return MessageDigest.isEqual(newMac().doFinal(ownChallenge), response);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(algorithm.jcaName());
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("HMAC " + algorithm.jcaName() + " unavailable: " + e.getMessage(), e);
        }
    }
}
