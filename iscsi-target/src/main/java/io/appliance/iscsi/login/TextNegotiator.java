package io.appliance.iscsi.login;

import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.iscsi.target.Portal;
import io.appliance.iscsi.target.TargetRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Text Request handling in the full feature phase (RFC 7143 §11.10, Appendix C). Stateless and
 * thread safe; one instance may serve every connection.
 *
 * <p>Answers:
 * <ul>
 *   <li>{@code SendTargets=All}: on a discovery session every target the initiator may log in
 *       to ({@link TargetRegistry#visibleTo}); on a normal session only the session's own target
 *       (Appendix C forbids reporting other targets there);</li>
 *   <li>{@code SendTargets=<name>}: that target if the initiator may see it (discovery) or if it
 *       is the session's target (normal); nothing otherwise;</li>
 *   <li>{@code SendTargets=} (empty): the session's target; nothing on a discovery session;</li>
 *   <li>each target as {@code TargetName=...} followed by one {@code TargetAddress=host:port,tpgt}
 *       per portal (§13.8); a portal bound to the wildcard address is reported with the host the
 *       connection arrived on ({@code localAddress}) and the portal's own port;</li>
 *   <li>keys that may only be negotiated at login (IO and LO keys, security keys, the Any-Stage
 *       names) and keys only targets send: {@code Reject};</li>
 *   <li>{@code MaxRecvDataSegmentLength}: {@code Reject}. This target does not renegotiate it in
 *       the full feature phase; per §7.11 the values agreed at login stay in force;</li>
 *   <li>{@code InitiatorAlias}: declarative, no answer;</li>
 *   <li>anything else, including X- and X# keys: {@code NotUnderstood}.</li>
 * </ul>
 */
public final class TextNegotiator {

    private static final String ALL = "All";
    private static final Set<String> WILDCARD_ADDRESSES = Set.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0", "[::]", "*", "");

    private final TargetRegistry registry;

    public TextNegotiator(TargetRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Answers the keys of one complete Text Request (continuations already joined).
     *
     * @param keys          the request's keys, in order
     * @param sessionType   the session's type
     * @param initiatorName the session's InitiatorName
     * @param sessionTarget the target of a normal session; empty for discovery sessions
     * @param localAddress  "ip:port" the connection arrived on ("[v6]:port" or "v6:port" for IPv6),
     *                      used for portals bound to a wildcard address; may be null
     * @return the response keys, in order; SendTargets records may be long and are left to the
     *         caller to split over several Text Response PDUs
     */
    public List<TextParameter> respond(List<TextParameter> keys, SessionType sessionType,
                                       String initiatorName, Optional<IscsiTarget> sessionTarget,
                                       String localAddress) {
        List<TextParameter> response = new ArrayList<>();
        for (TextParameter key : keys) {
            if (key.key().equals(LoginKeys.SEND_TARGETS)) {
                for (IscsiTarget target : sendTargets(key.value(), sessionType, initiatorName, sessionTarget)) {
                    appendRecord(response, target, localAddress);
                }
            } else {
                answer(key.key()).ifPresent(value -> response.add(new TextParameter(key.key(), value)));
            }
        }
        return response;
    }

    private static Optional<String> answer(String key) {
        if (key.equals(LoginKeys.INITIATOR_ALIAS)) {
            // §13.7: declarative, nothing to answer
            return Optional.empty();
        }
        return Optional.of(isLoginOnly(key) ? KeyValues.REJECT : KeyValues.NOT_UNDERSTOOD);
    }

    private static boolean isLoginOnly(String key) {
        return OperationalNegotiation.isOperationalKey(key)
                || LoginKeys.SECURITY.contains(key)
                || LoginKeys.INITIATOR_DECLARATIONS.contains(key)
                || LoginKeys.TARGET_DECLARATIONS.contains(key);
    }

    // Appendix C: which targets a SendTargets value selects
    private List<IscsiTarget> sendTargets(String value, SessionType sessionType, String initiatorName,
                                          Optional<IscsiTarget> sessionTarget) {
        if (sessionType == SessionType.DISCOVERY) {
            if (value.equals(ALL)) {
                return registry.visibleTo(initiatorName);
            }
            if (value.isEmpty()) {
                return List.of();
            }
            return registry.find(value).filter(target -> target.admit(initiatorName).isPresent()).stream().toList();
        }
        if (sessionTarget.isEmpty()) {
            return List.of();
        }
        IscsiTarget own = current(sessionTarget.get());
        boolean selectsOwn = value.equals(ALL) || value.isEmpty() || value.equalsIgnoreCase(own.name());
        return selectsOwn ? List.of(own) : List.of();
    }

    /** The registry's newest snapshot of the session's target (fresh portals), or the session's own. */
    private IscsiTarget current(IscsiTarget sessionTarget) {
        return registry.find(sessionTarget.name()).orElse(sessionTarget);
    }

    private static void appendRecord(List<TextParameter> response, IscsiTarget target, String localAddress) {
        response.add(new TextParameter(LoginKeys.TARGET_NAME, target.name()));
        Set<String> addresses = new LinkedHashSet<>();
        for (Portal portal : target.portals()) {
            addressOf(portal, localAddress).ifPresent(address -> addresses.add(address + "," + target.portalGroupTag()));
        }
        for (String address : addresses) {
            response.add(new TextParameter(LoginKeys.TARGET_ADDRESS, address));
        }
    }

    // §13.8: domainname[:port], IPv6 in brackets
    private static Optional<String> addressOf(Portal portal, String localAddress) {
        if (!WILDCARD_ADDRESSES.contains(portal.address())) {
            return Optional.of(portal.sendTargetsAddress());
        }
        return localHost(localAddress).map(host -> host + ":" + portal.port());
    }

    /** The host part of "ip:port", bracketed when it is IPv6; empty when unusable. */
    private static Optional<String> localHost(String localAddress) {
        if (localAddress == null) {
            return Optional.empty();
        }
        int colon = localAddress.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String host = localAddress.substring(0, colon);
        // InetSocketAddress.toString() gives "hostname/ip:port" or "/ip:port"
        int slash = host.lastIndexOf('/');
        if (slash >= 0) {
            host = host.substring(slash + 1);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            return host.length() > 2 && !WILDCARD_ADDRESSES.contains(host) ? Optional.of(host) : Optional.empty();
        }
        if (host.isEmpty() || WILDCARD_ADDRESSES.contains(host)) {
            return Optional.empty();
        }
        return Optional.of(host.contains(":") ? "[" + host + "]" : host);
    }
}
