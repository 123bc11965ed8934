package io.appliance.config.cluster;

/** The Heartbeat authkeys methods accepted; the key is derived from the secret whatever the method. Heartbeat's {@code crc} is refused: it authenticates nothing. */
public enum AuthMethod {
    SHA1, MD5, SHA256
}
