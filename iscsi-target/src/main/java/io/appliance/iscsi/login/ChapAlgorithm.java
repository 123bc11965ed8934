package io.appliance.iscsi.login;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Security;
import java.util.Locale;
import java.util.Optional;

/**
 * CHAP_A values (the IANA "PPP Authentication Algorithms" registry referenced by RFC 7143
 * §12.1.3) whose hash this JVM provides. RFC 1994 §4.1: the response is the hash of the
 * identifier octet, the secret and the challenge, concatenated.
 */
enum ChapAlgorithm {
    MD5(5, "MD5"),
    SHA1(6, "SHA-1"),
    SHA256(7, "SHA-256"),
    SHA3_256(8, "SHA3-256");

    private final int code;
    private final String digestName;
    private final boolean available;
    private final int digestLength;

    ChapAlgorithm(int code, String digestName) {
        this.code = code;
        this.digestName = digestName;
        this.available = Security.getAlgorithms("MessageDigest").contains(digestName.toUpperCase(Locale.ROOT));
        this.digestLength = available ? newDigest(digestName).getDigestLength() : 0;
    }

    /** The algorithm with this CHAP_A number, if this JVM can compute it. */
    static Optional<ChapAlgorithm> fromCode(long code) {
        for (ChapAlgorithm algorithm : values()) {
            if (algorithm.code == code && algorithm.available) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    int code() {
        return code;
    }

    /** Length in bytes of a response, and of the challenges we send. */
    int digestLength() {
        return digestLength;
    }

    /** RFC 1994 §4.1: hash(identifier || secret || challenge). */
    byte[] response(int identifier, byte[] secret, byte[] challenge) {
        MessageDigest digest = newDigest(digestName);
        digest.update((byte) identifier);
        digest.update(secret);
        digest.update(challenge);
        return digest.digest();
    }

    private static MessageDigest newDigest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MessageDigest " + name + " disappeared from the JVM", e);
        }
    }
}
