/**
 * The cluster configuration (Heartbeat's and Pacemaker's vocabulary): nodes, timing, quorum, fencing,
 * resources and constraints as validated, immutable records rooted at {@link
 * io.appliance.config.cluster.ClusterDefinition}, and the resource types with their parameter rules ({@link
 * io.appliance.config.cluster.ResourceTypes}). Every invalid value is a {@link
 * io.appliance.config.cluster.ClusterDefinitionException} naming its YAML path.
 */
package io.appliance.config.cluster;
