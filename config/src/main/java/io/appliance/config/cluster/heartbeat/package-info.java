/**
 * The importer of Heartbeat v1 configurations ({@code ha.cf}, {@code haresources}, {@code authkeys}) into a
 * {@link io.appliance.config.cluster.ClusterDefinition}: {@link
 * io.appliance.config.cluster.heartbeat.HeartbeatImporter}.
 */
package io.appliance.config.cluster.heartbeat;
