package io.appliance.cluster.runtime;

import io.appliance.cluster.fence.FenceDevice;
import io.appliance.cluster.fence.FenceOutcome;
import io.appliance.cluster.fence.FenceResult;
import io.appliance.config.cluster.FenceAction;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Fencing with the configured devices: tries each device that can fence the node, in configuration order,
 * until one succeeds (Pacemaker's fencing topology with one level). Devices run on the fencing executor;
 * the outcome is posted through {@code completions}.
 */
public final class DeviceFencing implements FencingService {

    private final List<FenceDevice> devices;
    private final FenceAction action;
    private final ExecutorService workers;
    private final Executor completions;

    public DeviceFencing(List<FenceDevice> devices, FenceAction action, ExecutorService workers, Executor completions) {
        this.devices = List.copyOf(devices);
        this.action = action;
        this.workers = workers;
        this.completions = completions;
    }

    @Override
    public boolean canFence(String node) {
        return devices.stream().anyMatch(device -> device.canFence(node));
    }

    @Override
    public void fence(String node, Consumer<FenceResult> done) {
        workers.execute(() -> {
            FenceResult last = new FenceResult(FenceOutcome.FAILED, "no fence device for " + node, 0);
            for (FenceDevice device : devices) {
                if (!device.canFence(node)) {
                    continue;
                }
                try {
                    FenceResult result = device.fence(node, action);
                    last = new FenceResult(result.outcome(), device.name() + ": " + result.detail(), result.attempts());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    last = new FenceResult(FenceOutcome.FAILED, device.name() + ": interrupted", 0);
                    break;
                } catch (RuntimeException e) {
                    last = new FenceResult(FenceOutcome.FAILED, device.name() + ": " + e, 1);
                }
                if (last.outcome() == FenceOutcome.SUCCESS) {
                    break;
                }
            }
            FenceResult outcome = last;
            completions.execute(() -> done.accept(outcome));
        });
    }
}
