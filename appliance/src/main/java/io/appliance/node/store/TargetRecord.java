package io.appliance.node.store;

import java.time.Instant;
import java.util.Objects;

/** A stored target. */
public record TargetRecord(String name, String alias, boolean openAccess, Instant createdAt) {

    public TargetRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
