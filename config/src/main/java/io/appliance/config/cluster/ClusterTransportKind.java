package io.appliance.config.cluster;

/** How the cluster messaging travels: TCP connections (default) or UDP datagrams with unicast-only discovery. */
public enum ClusterTransportKind {
    TCP, UDP
}
