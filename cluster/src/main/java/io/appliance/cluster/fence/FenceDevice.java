package io.appliance.cluster.fence;

import io.appliance.config.cluster.FenceAction;

/**
 * A way to make another node stop for certain (Pacemaker's fence device, STONITH).
 *
 * <p>Contract: {@link #fence} blocks and is called on a fencing worker thread; the device applies its own
 * timeout per attempt and its retries; it never throws for a failed attempt (it returns the outcome) and
 * returns {@link FenceOutcome#SUCCESS} only when the node is known to be off or rebooted.
 */
public interface FenceDevice {

    String name();

    /** Whether this device is configured for {@code node} (Pacemaker's pcmk_host_list). */
    boolean canFence(String node);

    FenceResult fence(String node, FenceAction action) throws InterruptedException;
}
