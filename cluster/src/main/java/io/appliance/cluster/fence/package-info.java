/** Fence devices: the SPI and the external-command device (Pacemaker's fence-agent convention). */
package io.appliance.cluster.fence;
