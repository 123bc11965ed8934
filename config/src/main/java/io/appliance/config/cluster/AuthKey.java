package io.appliance.config.cluster;

/**
 * The cluster's shared secret (Heartbeat's authkeys); the transport derives its encryption and
 * authentication key from it. {@link #toString()} never shows the secret.
 *
 * @param method the authkeys method named (the key derivation does not depend on it)
 * @param secret 8 to 256 characters, no control characters
 */
public record AuthKey(AuthMethod method, String secret) {

    public static final int MIN_SECRET_LENGTH = 8;
    public static final int MAX_SECRET_LENGTH = 256;

    public AuthKey {
        Checks.notNull(method, "method");
        Checks.notNull(secret, "secret");
        Checks.require(secret.length() >= MIN_SECRET_LENGTH && secret.length() <= MAX_SECRET_LENGTH, "secret",
                "the secret must have " + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH + " characters, has "
                        + secret.length());
        Checks.require(secret.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "secret",
                "the secret must not contain control characters");
    }

    @Override
    public String toString() {
        return "AuthKey[method=" + method + ", secret=(redacted)]";
    }
}
