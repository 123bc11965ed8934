/**
 * The cluster: JGroups membership and quorum, fencing, the resource manager (placement, the
 * coordinator's decisions, each node's local resource manager) and the resource agents.
 */
package io.appliance.cluster;
