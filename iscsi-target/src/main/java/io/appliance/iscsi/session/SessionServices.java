package io.appliance.iscsi.session;

import io.appliance.iscsi.login.TextNegotiator;
import io.appliance.iscsi.target.TargetRegistry;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * What every connection of one iSCSI service shares: the targets, the session table, the
 * settings and the negotiators' collaborators. Thread safe.
 */
public record SessionServices(TargetRegistry registry, SessionTable sessions, SessionSettings settings,
                              SecureRandom random, TextNegotiator textNegotiator) {

    public SessionServices {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(textNegotiator, "textNegotiator");
    }

    public static SessionServices create(TargetRegistry registry, SessionSettings settings) {
        return new SessionServices(registry, new SessionTable(), settings, new SecureRandom(),
                new TextNegotiator(registry));
    }
}
