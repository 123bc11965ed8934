/** Resource agents: the start/stop/monitor SPI, the registry and the built-in agents. */
package io.appliance.cluster.agent;
