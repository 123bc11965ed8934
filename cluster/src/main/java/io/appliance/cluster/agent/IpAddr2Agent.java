package io.appliance.cluster.agent;

import io.appliance.cluster.agent.IpCommand.InterfaceAddress;
import io.appliance.cluster.agent.IpCommand.Route;
import io.appliance.config.cluster.PrimitiveDefinition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A floating IP address (Pacemaker's ocf:heartbeat:IPaddr2). Parameters: {@code ip} (required),
 * {@code cidr_netmask} (prefix length, default 32), {@code nic} (default: the interface whose connected subnet
 * holds {@code ip}, as {@code ip route get} answers), {@code arp_count} (default 3).
 *
 * <p>Start adds the address, then announces it with unsolicited ARP in the background (bounded by the count, IPv4
 * only): a failed announcement is logged, not a failed start, as in Pacemaker. Stop removes the address from
 * whichever interface holds it. Monitor: OK when some interface other than {@code lo} holds it.
 */
public final class IpAddr2Agent implements ResourceAgent {

    private static final Logger LOG = LoggerFactory.getLogger(IpAddr2Agent.class);

    private final PrimitiveDefinition resource;
    private final AgentParameters parameters;
    private final IpCommand ip;
    private final ArpingCommand arping;
    private final Executor announcer;
    private volatile CompletableFuture<CommandResult> lastAnnouncement = CompletableFuture.completedFuture(null);

    /**
     * @param announcer runs the background ARP announcement (a daemon thread pool)
     */
    public IpAddr2Agent(PrimitiveDefinition resource, IpCommand ip, ArpingCommand arping, Executor announcer) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.parameters = new AgentParameters(resource);
        this.ip = Objects.requireNonNull(ip, "ip");
        this.arping = Objects.requireNonNull(arping, "arping");
        this.announcer = Objects.requireNonNull(announcer, "announcer");
    }

    @Override
    public AgentResult start() throws InterruptedException {
        return AgentException.resultOf(() -> {
            String address = parameters.required("ip");
            int prefix = parameters.integer("cidr_netmask", 32, 0, address.contains(":") ? 128 : 32);
            int arpCount = parameters.integer("arp_count", 3, 0, 100);
            String nic = nic(address);
            Optional<List<InterfaceAddress>> present = ip.addresses(nic);
            if (present.isEmpty()) {
                return AgentResult.of(OcfStatus.ERR_CONFIGURED, "interface " + nic + " does not exist on this node:"
                        + " fix the nic parameter of " + resource.id());
            }
            if (present.get().stream().noneMatch(a -> a.address().equals(address))) {
                ip.add(address, prefix, nic);
                LOG.info("{}: added {}/{} to {}", resource.id(), address, prefix, nic);
            }
            if (arpCount > 0 && !address.contains(":")) {
                announce(nic, address, arpCount);
            }
            return AgentResult.ok();
        });
    }

    @Override
    public AgentResult stop() throws InterruptedException {
        return AgentException.resultOf(() -> {
            String address = parameters.required("ip");
            for (InterfaceAddress holder : holders(address)) {
                ip.delete(address, holder.prefixLength(), holder.interfaceName());
                LOG.info("{}: removed {}/{} from {}", resource.id(), address, holder.prefixLength(),
                        holder.interfaceName());
            }
            return AgentResult.ok();
        });
    }

    @Override
    public AgentResult monitor() throws InterruptedException {
        return AgentException.resultOf(() -> {
            String address = parameters.required("ip");
            List<InterfaceAddress> holders = holders(address);
            if (holders.isEmpty()) {
                return AgentResult.notRunning(address + " is on no interface");
            }
            Optional<String> nic = parameters.optional("nic");
            if (nic.isPresent() && holders.stream().noneMatch(h -> h.interfaceName().equals(nic.get()))) {
                return AgentResult.failed(address + " is on " + holders.get(0).interfaceName() + ", not on " + nic.get());
            }
            return AgentResult.ok();
        });
    }

    /** The last background ARP announcement (completed with null when none was sent). */
    CompletableFuture<CommandResult> lastAnnouncement() {
        return lastAnnouncement;
    }

    private List<InterfaceAddress> holders(String address) throws AgentException, InterruptedException {
        Optional<String> nic = parameters.optional("nic");
        List<InterfaceAddress> candidates = nic.isPresent() ? ip.addresses(nic.get()).orElse(List.of()) : ip.allAddresses();
        return candidates.stream()
                .filter(a -> a.address().equals(address) && !a.interfaceName().equals("lo"))
                .toList();
    }

    private String nic(String address) throws AgentException, InterruptedException {
        Optional<String> configured = parameters.optional("nic");
        if (configured.isPresent()) {
            return configured.get();
        }
        Optional<Route> route = ip.routeTo(address);
        if (route.isPresent() && route.get().local()) {
            Optional<InterfaceAddress> holder = holders(address).stream().findFirst();
            if (holder.isPresent()) {
                return holder.get().interfaceName();
            }
        } else if (route.isPresent() && route.get().gateway().isEmpty() && !route.get().device().isEmpty()) {
            return route.get().device();
        }
        throw new AgentException(OcfStatus.ERR_CONFIGURED, "no interface of this node has a subnet holding " + address
                + ": set the nic parameter of " + resource.id());
    }

    private void announce(String nic, String address, int count) {
        CompletableFuture<CommandResult> announcement = new CompletableFuture<>();
        lastAnnouncement = announcement;
        announcer.execute(() -> {
            try {
                CommandResult result = arping.announce(nic, address, count);
                if (!result.succeeded()) {
                    LOG.warn("{}: gratuitous ARP for {} failed: {}", resource.id(), address, result.describe());
                }
                announcement.complete(result);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                announcement.cancel(false);
            } catch (RuntimeException e) {
                LOG.warn("{}: gratuitous ARP for {} failed", resource.id(), address, e);
                announcement.completeExceptionally(e);
            }
        });
    }
}
