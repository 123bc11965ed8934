package io.appliance.cluster.runtime;

import io.appliance.cluster.fence.FenceResult;
import java.util.function.Consumer;

/**
 * Fences other nodes for the coordinator. Contract: {@link #fence} returns at once; {@code done} is called
 * exactly once, on the runtime's thread, with the outcome.
 */
public interface FencingService {

    boolean canFence(String node);

    void fence(String node, Consumer<FenceResult> done);
}
