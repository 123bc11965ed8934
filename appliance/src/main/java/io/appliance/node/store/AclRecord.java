package io.appliance.node.store;

import io.appliance.config.ChapSettings;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A stored access control entry. It holds CHAP secrets in clear (CHAP needs them), so
 * {@link #toString()} hides them and the database file is readable by its owner only.
 *
 * @param lunMapping initiator LUN → target LUN; empty: every LUN under its own number
 */
public record AclRecord(String targetName, String initiator, ChapSettings chap, Map<Integer, Integer> lunMapping,
        Instant createdAt) {

    public AclRecord {
        Objects.requireNonNull(targetName, "targetName");
        Objects.requireNonNull(initiator, "initiator");
        Objects.requireNonNull(chap, "chap");
        Objects.requireNonNull(createdAt, "createdAt");
        lunMapping = Collections.unmodifiableMap(new TreeMap<>(lunMapping));
    }
}
