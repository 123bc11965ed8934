package io.appliance.iscsi.target;

import java.util.Objects;

/**
 * A CHAP name and secret (RFC 1994, RFC 7143 §12.1.3). RFC 7143 requires secrets of at least 96
 * bits (12 bytes); that is checked where credentials are configured, not here, so that imported
 * legacy secrets still load.
 */
public record ChapCredentials(String user, String secret) {

    public ChapCredentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(secret, "secret");
        if (user.isEmpty() || secret.isEmpty()) {
            throw new IllegalArgumentException("CHAP user and secret must not be empty");
        }
    }

    @Override
    public String toString() {
        return "ChapCredentials[user=" + user + ", secret=(hidden)]";
    }
}
