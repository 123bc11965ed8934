package io.appliance.replication.sync;

import io.appliance.config.replication.DigestAlgorithm;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Computes the digests of {@code verify-alg} and {@code csums-alg} over data buffers. CRC32C is
 * given as 4 bytes big-endian. Thread-safe: every call uses its own digest state.
 */
public final class Digests {

    private final DigestAlgorithm algorithm;
    private final MessageDigest prototype;

    private Digests(DigestAlgorithm algorithm) {
        this.algorithm = algorithm;
        this.prototype = algorithm.jcaName() == null ? null : newMessageDigest(algorithm);
    }

    /** @throws IllegalStateException if this JVM lacks the algorithm (every JVM has SHA-1, SHA-256 and MD5) */
    public static Digests of(DigestAlgorithm algorithm) {
        return new Digests(Objects.requireNonNull(algorithm, "algorithm"));
    }

    public DigestAlgorithm algorithm() {
        return algorithm;
    }

    public int digestLength() {
        return algorithm.digestLength();
    }

    /** Digest of {@code data}'s remaining bytes; the buffer's position and limit are left alone. */
    public byte[] digest(ByteBuffer data) {
        ByteBuffer view = data.duplicate();
        if (prototype == null) {
            CRC32C crc = new CRC32C();
            crc.update(view);
            return ByteBuffer.allocate(Integer.BYTES).putInt((int) crc.getValue()).array();
        }
        MessageDigest digest = copyOfPrototype();
        digest.update(view);
        return digest.digest();
    }

    /** Constant-time comparison; digests of different lengths are different. */
    public static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    private MessageDigest copyOfPrototype() {
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException notCloneable) {
            return newMessageDigest(algorithm);
        }
    }

    private static MessageDigest newMessageDigest(DigestAlgorithm algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.jcaName());
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("this JVM has no " + algorithm.jcaName() + " digest", missing);
        }
    }
}
