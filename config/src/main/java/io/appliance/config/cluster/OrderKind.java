package io.appliance.config.cluster;

/** Pacemaker's order {@code kind}: {@code MANDATORY} then-resource starts only after first has started (and stops before it); {@code OPTIONAL} only orders actions that happen together. */
public enum OrderKind {
    MANDATORY, OPTIONAL
}
