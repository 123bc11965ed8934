package io.appliance.iscsi.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The live sessions of a service, by TSIH (RFC 7143 §11.12.6: non-zero, unique while the session
 * lives) and by I_T nexus (initiator name, ISID, target name), which session reinstatement
 * (§6.3.5) looks up. Consulted at login and logout only, so a plain monitor is enough. Thread safe.
 */
public final class SessionTable {

    private final Map<Integer, IscsiSession> byTsih = new HashMap<>();
    private final Map<NexusKey, IscsiSession> byNexus = new HashMap<>();
    private int lastTsih;

    private record NexusKey(String initiatorName, long isid, String targetName) {

        static NexusKey of(String initiatorName, long isid, String targetName) {
            return new NexusKey(initiatorName.toLowerCase(Locale.ROOT), isid,
                    targetName == null ? "" : targetName.toLowerCase(Locale.ROOT));
        }
    }

    /** A TSIH no live session uses; never 0. */
    synchronized int allocateTsih() {
        for (int attempt = 0; attempt < 0xFFFF; attempt++) {
            lastTsih = lastTsih % 0xFFFF + 1;
            if (!byTsih.containsKey(lastTsih)) {
                return lastTsih;
            }
        }
        throw new IllegalStateException("all 65535 TSIHs are in use");
    }

    synchronized Optional<IscsiSession> find(int tsih) {
        return Optional.ofNullable(byTsih.get(tsih));
    }

    /**
     * Adds a new session. Returns the session it replaces on the same I_T nexus (to be
     * reinstated, i.e. closed), if any.
     */
    synchronized Optional<IscsiSession> register(IscsiSession session) {
        byTsih.put(session.tsih(), session);
        IscsiSession previous = byNexus.put(
                NexusKey.of(session.initiatorName(), session.isid(), session.targetName()), session);
        if (previous != null) {
            byTsih.remove(previous.tsih(), previous);
        }
        return Optional.ofNullable(previous);
    }

    synchronized void remove(IscsiSession session) {
        byTsih.remove(session.tsih(), session);
        byNexus.remove(NexusKey.of(session.initiatorName(), session.isid(), session.targetName()), session);
    }

    /** Every live session, ordered by TSIH. */
    public synchronized List<IscsiSession> all() {
        List<IscsiSession> sessions = new ArrayList<>(byTsih.values());
        sessions.sort((a, b) -> Integer.compare(a.tsih(), b.tsih()));
        return sessions;
    }

    public synchronized boolean isEmpty() {
        return byTsih.isEmpty();
    }
}
