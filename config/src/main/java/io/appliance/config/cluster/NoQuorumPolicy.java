package io.appliance.config.cluster;

/** What a node without quorum does: {@code STOP} all its resources (default), {@code FREEZE}: keep what runs and start nothing, {@code IGNORE}: act as if quorate (tests only). */
public enum NoQuorumPolicy {
    STOP, FREEZE, IGNORE
}
