package io.appliance.config.replication;

/** The HMAC of the peer authentication challenge ({@code cram-hmac-alg}), named as in DRBD. */
public enum HmacAlgorithm {
    SHA1("sha1", "HmacSHA1"),
    SHA256("sha256", "HmacSHA256"),
    MD5("md5", "HmacMD5");

    private final String drbdName;
    private final String jcaName;

    HmacAlgorithm(String drbdName, String jcaName) {
        this.drbdName = drbdName;
        this.jcaName = jcaName;
    }

    /** The name in DRBD configuration files, e.g. {@code sha1}. */
    public String drbdName() {
        return drbdName;
    }

    /** The {@link javax.crypto.Mac} algorithm name. */
    public String jcaName() {
        return jcaName;
    }

    /**
     * @throws IllegalArgumentException listing the valid names if {@code drbdName} is none of them
     *     (case-insensitive)
     */
    public static HmacAlgorithm fromDrbdName(String drbdName) {
        return DrbdNames.lookup(values(), HmacAlgorithm::drbdName, drbdName, "cram-hmac-alg");
    }
}
