package io.appliance.cluster.agent;

import io.appliance.cluster.agent.NftCommand.PortMatch;
import io.appliance.config.cluster.PrimitiveDefinition;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporarily drops traffic to a service while it moves (Pacemaker's ocf:heartbeat:portblock), so that clients
 * retry instead of seeing a reset. Parameters: {@code ip}, {@code portno} ({@code 3260}, {@code 3260,2049},
 * {@code 2049-2050}), {@code protocol} (tcp, udp; default tcp), {@code action} (block, unblock).
 *
 * <p>Packets are dropped, never rejected: a reject (TCP reset) would make initiators give up. The {@code block}
 * action's start adds the drop rule and its stop removes it; {@code unblock} is the reverse (start removes the
 * rule, stop adds it). As in Pacemaker, monitor reads a state file written by start and removed by stop: the rule
 * itself comes and goes with the other resource of the pair.
 */
public final class PortBlockAgent implements ResourceAgent {

    private static final Logger LOG = LoggerFactory.getLogger(PortBlockAgent.class);

    private final PrimitiveDefinition resource;
    private final AgentParameters parameters;
    private final NftCommand nft;
    private final StateFile state;

    /**
     * @param stateFile where start records that the resource is started
     */
    public PortBlockAgent(PrimitiveDefinition resource, NftCommand nft, Path stateFile) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.parameters = new AgentParameters(resource);
        this.nft = Objects.requireNonNull(nft, "nft");
        this.state = new StateFile(stateFile);
    }

    @Override
    public AgentResult start() throws InterruptedException {
        return AgentException.resultOf(() -> {
            apply(blocking() ? Direction.BLOCK : Direction.UNBLOCK);
            state.create(resource.id() + "\n");
            return AgentResult.ok();
        });
    }

    @Override
    public AgentResult stop() throws InterruptedException {
        return AgentException.resultOf(() -> {
            apply(blocking() ? Direction.UNBLOCK : Direction.BLOCK);
            state.delete();
            return AgentResult.ok();
        });
    }

    @Override
    public AgentResult monitor() throws InterruptedException {
        return AgentException.resultOf(() -> {
            blocking();
            match();
            return state.exists() ? AgentResult.ok() : AgentResult.notRunning("not started (no " + state.path() + ")");
        });
    }

    private enum Direction { BLOCK, UNBLOCK }

    private void apply(Direction direction) throws AgentException, InterruptedException {
        PortMatch match = match();
        if (direction == Direction.BLOCK) {
            if (nft.ensureDropRule(match, resource.id())) {
                LOG.info("{}: dropping {} to {} port {}", resource.id(), match.protocol(), match.address(), match.ports());
            }
        } else if (nft.removeDropRules(match) > 0) {
            LOG.info("{}: no longer dropping {} to {} port {}", resource.id(), match.protocol(), match.address(),
                    match.ports());
        }
    }

    private boolean blocking() throws AgentException {
        String action = parameters.required("action").toLowerCase(Locale.ROOT);
        return switch (action) {
            case "block" -> true;
            case "unblock" -> false;
            default -> throw new AgentException(OcfStatus.ERR_CONFIGURED, "resource " + resource.id()
                    + ": action must be block or unblock, not '" + action + "'");
        };
    }

    private PortMatch match() throws AgentException {
        String address = parameters.required("ip");
        String ports = parameters.required("portno");
        String protocol = parameters.optional("protocol").orElse("tcp").toLowerCase(Locale.ROOT);
        try {
            return new PortMatch(address, protocol, ports);
        } catch (IllegalArgumentException e) {
            throw new AgentException(OcfStatus.ERR_CONFIGURED, "resource " + resource.id() + ": " + e.getMessage());
        }
    }
}
