package io.appliance.config.cluster;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One configured cluster node.
 *
 * @param name the node's name, unique in the cluster ({@code [A-Za-z0-9][A-Za-z0-9_.-]{0,62}}); the name the
 *     appliance is started as
 * @param role {@link NodeRole#STORAGE} runs resources, {@link NodeRole#WITNESS} only votes
 * @param votes 0..255 quorum votes (normally 1)
 * @param addresses the heartbeat addresses, ring0 first, at most 2 (ring1: a second heartbeat network; both rings
 *     carry every cluster message, and a node is lost only when both are silent), on different hosts: an
 *     IP address, {@code IP:port} or {@code [IPv6]:port}; without a port the cluster's port is used. Empty =
 *     not known yet (e.g. after a Heartbeat import that could not tell); the transport refuses it at start.
 */
public record ClusterNodeDefinition(String name, NodeRole role, int votes, List<String> addresses) {

    public static final int MAX_VOTES = 255;
    public static final int MAX_ADDRESSES = 2;

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    public ClusterNodeDefinition {
        Checks.name(name, "name", "node name");
        Checks.notNull(role, "role");
        Checks.require(votes >= 0 && votes <= MAX_VOTES, "votes",
                "node " + name + ": votes " + votes + " out of range 0.." + MAX_VOTES);
        Checks.notNull(addresses, "addresses");
        Checks.require(addresses.size() <= MAX_ADDRESSES, "addresses", "node " + name + ": at most "
                + MAX_ADDRESSES + " addresses (ring0, ring1), found " + addresses.size());
        for (int i = 0; i < addresses.size(); i++) {
            String address = addresses.get(i);
            Checks.require(address != null && parseHost(address).isPresent(), "addresses[" + i + "]",
                    "node " + name + ": '" + address + "' is not IP, IP:port or [IPv6]:port with port 1..65535");
        }
        Checks.require(addresses.size() < 2 || !parseHost(addresses.get(0)).equals(parseHost(addresses.get(1))),
                "addresses[1]", "node " + name + ": ring1 " + (addresses.size() < 2 ? "" : addresses.get(1))
                        + " is on the same host address as ring0; a second ring needs another network");
        addresses = List.copyOf(addresses);
    }

    /** A node with one vote. */
    public static ClusterNodeDefinition of(String name, NodeRole role, List<String> addresses) {
        return new ClusterNodeDefinition(name, role, 1, addresses);
    }

    /** The ring0 address as written, empty when not known yet. */
    public Optional<String> ring0() {
        return addresses.isEmpty() ? Optional.empty() : Optional.of(addresses.get(0));
    }

    /** The IP of an address as written ({@code 10.0.0.1:7800} → {@code 10.0.0.1}, {@code [fd00::1]:7800} → {@code fd00::1}). */
    public static String hostOf(String address) {
        return parseHost(address).orElseThrow(() -> new IllegalArgumentException("not an address: " + address));
    }

    /** The port of an address as written, or {@code defaultPort} when it has none. */
    public static int portOf(String address, int defaultPort) {
        Objects.requireNonNull(address, "address");
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            return close + 1 < address.length() ? Integer.parseInt(address.substring(close + 2)) : defaultPort;
        }
        int colon = address.indexOf(':');
        if (colon < 0 || address.indexOf(':', colon + 1) >= 0) {
            return defaultPort;
        }
        return Integer.parseInt(address.substring(colon + 1));
    }

    private static Optional<String> parseHost(String address) {
        String host;
        String port = null;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = address.substring(1, close);
            String rest = address.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return Optional.empty();
                }
                port = rest.substring(1);
            }
            if (!host.contains(":") || !IPV6.matcher(host).matches()) {
                return Optional.empty();
            }
        } else if (address.chars().filter(c -> c == ':').count() > 1) {
            host = address;
            if (!IPV6.matcher(host).matches()) {
                return Optional.empty();
            }
        } else {
            int colon = address.indexOf(':');
            host = colon < 0 ? address : address.substring(0, colon);
            port = colon < 0 ? null : address.substring(colon + 1);
            if (!IPV4.matcher(host).matches()) {
                return Optional.empty();
            }
        }
        if (port != null && !(port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535)) {
            return Optional.empty();
        }
        return Optional.of(host);
    }
}
