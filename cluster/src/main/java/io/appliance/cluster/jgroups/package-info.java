/**
 * The cluster transport on JGroups: membership views, failure detection, merging after partitions and
 * authenticated encryption of all cluster traffic with a key derived from the shared secret.
 */
package io.appliance.cluster.jgroups;
