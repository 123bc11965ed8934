package io.appliance.cluster.agent;

/**
 * One configured resource on this node (Pacemaker's resource agent, OCF's start/stop/monitor).
 *
 * <p>Contract:
 * <ul>
 *   <li>Every operation is idempotent: start on a started resource and stop on a stopped one return OK.</li>
 *   <li>Operations block; the local resource manager calls them on an agent worker thread, never on the
 *       cluster state thread, and never runs two operations of one resource at the same time.</li>
 *   <li>An operation returns within its configured timeout or reacts to interruption: at the timeout the
 *       manager interrupts the thread and records {@link OcfStatus#TIMEOUT}.</li>
 *   <li>An expected failure is a returned result with a reason an operator can act on, never an exception.</li>
 *   <li>{@link #monitor()}: {@link OcfStatus#OK} = running, {@link OcfStatus#NOT_RUNNING} = cleanly
 *       stopped, anything else = failed.</li>
 * </ul>
 */
public interface ResourceAgent {

    AgentResult start() throws InterruptedException;

    AgentResult stop() throws InterruptedException;

    AgentResult monitor() throws InterruptedException;
}
