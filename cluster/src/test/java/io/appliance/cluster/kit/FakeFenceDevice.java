package io.appliance.cluster.kit;

import io.appliance.cluster.fence.FenceDevice;
import io.appliance.cluster.fence.FenceOutcome;
import io.appliance.cluster.fence.FenceResult;
import io.appliance.config.cluster.FenceAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** A fence device for the kit: on success the target machine goes down (the cluster crashes it). */
public final class FakeFenceDevice implements FenceDevice {

    private final String name;
    private final Set<String> nodes;
    private final Consumer<String> powerOff;
    private final List<String> fenced = new ArrayList<>();
    private FenceOutcome outcome = FenceOutcome.SUCCESS;

    public FakeFenceDevice(String name, Set<String> nodes, Consumer<String> powerOff) {
        this.name = name;
        this.nodes = Set.copyOf(nodes);
        this.powerOff = powerOff;
    }

    public void answer(FenceOutcome next) {
        this.outcome = next;
    }

    public List<String> fenced() {
        return List.copyOf(fenced);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean canFence(String node) {
        return nodes.contains(node);
    }

    @Override
    public FenceResult fence(String node, FenceAction action) {
        fenced.add(node);
        if (outcome == FenceOutcome.SUCCESS) {
            powerOff.accept(node);
        }
        return new FenceResult(outcome, action.name().toLowerCase() + " " + node, 1);
    }
}
