package io.appliance.node.lifecycle;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The lines a node prints once at start: how to reach its iSCSI targets with open-iscsi and
 * libiscsi, and where its REST API and token are. The token itself appears only when it was just
 * generated (it is in the token file, readable by the owner only, from then on).
 *
 * @param nodeName     the node's name
 * @param portals      the bound iSCSI portals
 * @param firstTarget  a target to show in the libiscsi URL, with its lowest LUN; empty when none
 * @param restUrl      the REST API's base URL, e.g. {@code http://127.0.0.1:8080/api/v1}
 * @param tokenFile    where the API token is
 * @param newToken     the token, only when this start generated it
 */
public record StartupBanner(String nodeName, List<InetSocketAddress> portals, Optional<TargetAndLun> firstTarget,
        String restUrl, Path tokenFile, Optional<String> newToken) {

    /** A target name and one of its LUNs. */
    public record TargetAndLun(String targetName, int lun) {
    }

    public String render() {
        StringBuilder text = new StringBuilder();
        text.append("Appliance node ").append(nodeName).append(" is ready.\n");
        for (InetSocketAddress portal : portals) {
            String where = hostForClients(portal.getAddress()) + ":" + portal.getPort();
            text.append("  iSCSI portal ").append(literal(portal.getAddress())).append(':').append(portal.getPort()).append('\n');
            text.append("    discover:   iscsiadm -m discovery -t st -p ").append(where).append('\n');
            text.append("    list LUNs:  iscsi-ls -s iscsi://").append(where).append('\n');
            firstTarget.ifPresent(target -> text.append("    libiscsi:   iscsi://").append(where).append('/')
                    .append(target.targetName()).append('/').append(target.lun()).append('\n'));
        }
        text.append("  REST API:     ").append(restUrl).append("  (header 'Authorization: Bearer <token>')\n");
        text.append("  API token in: ").append(tokenFile.toAbsolutePath()).append('\n');
        newToken.ifPresent(token -> text.append("  New API token (shown once): ").append(token).append('\n'));
        return text.toString();
    }

    /**
     * The address a client should dial: the bound address itself, or for a wildcard bind this
     * host's first non-loopback IPv4 address (loopback when there is none).
     */
    static String hostForClients(InetAddress bound) {
        if (!bound.isAnyLocalAddress()) {
            return literal(bound);
        }
        return firstSiteAddress().map(StartupBanner::literal).orElse("127.0.0.1");
    }

    private static Optional<InetAddress> firstSiteAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        return Optional.of(address);
                    }
                }
            }
        } catch (SocketException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String literal(InetAddress address) {
        String host = address.getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
