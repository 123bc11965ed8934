package io.appliance.config.replication;

/**
 * A digest for online verify ({@code verify-alg}) and checksum-based resync ({@code csums-alg}),
 * named as DRBD names the kernel crypto algorithms.
 */
public enum DigestAlgorithm {
    SHA1("sha1", "SHA-1", 20),
    SHA256("sha256", "SHA-256", 32),
    /** Not a {@link java.security.MessageDigest}: computed with {@link java.util.zip.CRC32C}. */
    CRC32C("crc32c", null, 4),
    MD5("md5", "MD5", 16);

    private final String drbdName;
    private final String jcaName;
    private final int digestLength;

    DigestAlgorithm(String drbdName, String jcaName, int digestLength) {
        this.drbdName = drbdName;
        this.jcaName = jcaName;
        this.digestLength = digestLength;
    }

    /** The name in DRBD configuration files, e.g. {@code sha1}. */
    public String drbdName() {
        return drbdName;
    }

    /** JCA name, or null for CRC32C (java.util.zip.CRC32C). */
    public String jcaName() {
        return jcaName;
    }

    /** Length of one digest in bytes. */
    public int digestLength() {
        return digestLength;
    }

    /**
     * @throws IllegalArgumentException listing the valid names if {@code drbdName} is none of them
     *     (case-insensitive)
     */
    public static DigestAlgorithm fromDrbdName(String drbdName) {
        return DrbdNames.lookup(values(), DigestAlgorithm::drbdName, drbdName, "digest algorithm");
    }
}
