/**
 * Pure functions of the coordinator: where each unit (group or ungrouped primitive) should run
 * ({@link io.appliance.cluster.placement.PlacementEngine}) and whether a node has quorum
 * ({@link io.appliance.cluster.placement.QuorumCalculator}). No clock, no I/O, no threads.
 */
package io.appliance.cluster.placement;
