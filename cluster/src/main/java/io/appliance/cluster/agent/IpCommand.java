package io.appliance.cluster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code ip} tool of iproute2: interface addresses ({@code ip -j addr show}, {@code ip addr add|del}) and route
 * look-ups ({@code ip -j route get}). Reads the JSON output ({@code -j}); recognises the messages of both old
 * ({@code RTNETLINK answers: File exists}) and new ({@code Error: ipv4: Address already assigned.}) iproute2.
 */
public final class IpCommand {

    static final String PACKAGE = "iproute2";

    /** One address configured on an interface. */
    public record InterfaceAddress(String interfaceName, String family, String address, int prefixLength) {
        public InterfaceAddress {
            Objects.requireNonNull(interfaceName, "interfaceName");
            Objects.requireNonNull(family, "family");
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * The answer of {@code ip route get}: the interface the kernel would send to {@code destination} on, the
     * gateway if the destination is not on a connected subnet, and whether it is a local address of this node.
     */
    public record Route(String destination, String device, Optional<String> gateway, boolean local) {
        public Route {
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(gateway, "gateway");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner runner;
    private final Duration timeout;

    public IpCommand(CommandRunner runner, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The addresses of {@code nic}, or empty when there is no such interface. */
    public Optional<List<InterfaceAddress>> addresses(String nic) throws AgentException, InterruptedException {
        CommandResult result = runner.run(List.of("ip", "-j", "addr", "show", "dev", nic), timeout);
        if (!result.succeeded()) {
            if (result.outcome() == CommandResult.Outcome.EXITED && result.stderr().contains("does not exist")) {
                return Optional.empty();
            }
            throw AgentException.from(result, PACKAGE);
        }
        return Optional.of(parseAddresses(result));
    }

    /** The addresses of every interface. */
    public List<InterfaceAddress> allAddresses() throws AgentException, InterruptedException {
        CommandResult result = runner.run(List.of("ip", "-j", "addr", "show"), timeout);
        if (!result.succeeded()) {
            throw AgentException.from(result, PACKAGE);
        }
        return parseAddresses(result);
    }

    /**
     * Adds {@code address/prefixLength} to {@code nic}.
     *
     * @return false when the address was already there (not an error: start is idempotent)
     */
    public boolean add(String address, int prefixLength, String nic) throws AgentException, InterruptedException {
        CommandResult result = runner.run(List.of("ip", "addr", "add", address + "/" + prefixLength, "dev", nic), timeout);
        if (result.succeeded()) {
            return true;
        }
        if (result.outcome() == CommandResult.Outcome.EXITED && alreadyPresent(result.stderr())) {
            return false;
        }
        throw AgentException.from(result, PACKAGE);
    }

    /**
     * Removes {@code address/prefixLength} from {@code nic}.
     *
     * @return false when the address was not there (not an error: stop is idempotent)
     */
    public boolean delete(String address, int prefixLength, String nic) throws AgentException, InterruptedException {
        CommandResult result = runner.run(List.of("ip", "addr", "del", address + "/" + prefixLength, "dev", nic), timeout);
        if (result.succeeded()) {
            return true;
        }
        if (result.outcome() == CommandResult.Outcome.EXITED && absent(result.stderr())) {
            return false;
        }
        throw AgentException.from(result, PACKAGE);
    }

    /**
     * How the kernel reaches {@code address}; empty when it has no route at all ("Network is unreachable").
     */
    public Optional<Route> routeTo(String address) throws AgentException, InterruptedException {
        CommandResult result = runner.run(List.of("ip", "-j", "route", "get", address), timeout);
        if (!result.succeeded()) {
            if (result.outcome() == CommandResult.Outcome.EXITED && result.stderr().contains("unreachable")) {
                return Optional.empty();
            }
            throw AgentException.from(result, PACKAGE);
        }
        JsonNode routes = parse(result);
        if (!routes.isArray() || routes.isEmpty()) {
            throw new AgentException(OcfStatus.ERR_GENERIC, "`" + result.commandLine() + "` gave no route");
        }
        JsonNode route = routes.get(0);
        Optional<String> gateway = route.hasNonNull("gateway") ? Optional.of(route.get("gateway").asText())
                : Optional.empty();
        boolean local = "local".equals(route.path("type").asText(""));
        return Optional.of(new Route(route.path("dst").asText(address), route.path("dev").asText(""), gateway, local));
    }

    private static boolean alreadyPresent(String stderr) {
        String text = stderr.toLowerCase(Locale.ROOT);
        return text.contains("file exists") || text.contains("already assigned");
    }

    private static boolean absent(String stderr) {
        String text = stderr.toLowerCase(Locale.ROOT);
        return text.contains("cannot assign requested address") || text.contains("address not found");
    }

    private static List<InterfaceAddress> parseAddresses(CommandResult result) throws AgentException {
        List<InterfaceAddress> addresses = new ArrayList<>();
        for (JsonNode link : parse(result)) {
            String name = link.path("ifname").asText("");
            for (JsonNode info : link.path("addr_info")) {
                if (info.hasNonNull("local")) {
                    addresses.add(new InterfaceAddress(name, info.path("family").asText(""), info.get("local").asText(),
                            info.path("prefixlen").asInt(-1)));
                }
            }
        }
        return addresses;
    }

    private static JsonNode parse(CommandResult result) throws AgentException {
        try {
            return JSON.readTree(result.stdout().isBlank() ? "[]" : result.stdout());
        } catch (IOException e) {
            throw new AgentException(OcfStatus.ERR_GENERIC, "`" + result.commandLine() + "` printed output that is not"
                    + " JSON (" + e.getMessage() + "): is iproute2 older than 4.14?");
        }
    }
}
