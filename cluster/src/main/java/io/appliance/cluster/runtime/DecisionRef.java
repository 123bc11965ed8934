package io.appliance.cluster.runtime;

/** Names one decision: its coordinator, epoch (view id) and sequence within the epoch. */
public record DecisionRef(String coordinator, long epoch, long sequence) {
}
