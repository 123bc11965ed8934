package io.appliance.config.cluster;

/** Role of a cluster node: a storage node runs resources, a witness only votes. YAML: {@code storage} | {@code witness}. */
public enum NodeRole {
    STORAGE, WITNESS
}
