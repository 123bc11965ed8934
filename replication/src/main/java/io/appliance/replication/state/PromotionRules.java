package io.appliance.replication.state;

import java.util.Objects;
import java.util.Optional;

/**
 * When a node may become Primary ({@code drbdadm primary [--force]}). Pure functions; the engine applies
 * the consequences of a forced promotion: the local data becomes UpToDate and, when connected, the peer
 * becomes SyncTarget of a full sync.
 *
 * <ol>
 *   <li>A connected peer that is Primary refuses a second primary unless {@code allow-two-primaries};
 *       {@code --force} does not override this.</li>
 *   <li>UpToDate data: yes.</li>
 *   <li>Consistent data: when the peer is known Outdated, or with {@code --force}.</li>
 *   <li>Inconsistent or Outdated data: only with {@code --force}.</li>
 *   <li>Diskless: only when connected to a peer with UpToDate data (all I/O goes to the peer).</li>
 *   <li>Attaching, Failed, DUnknown: never.</li>
 * </ol>
 */
public final class PromotionRules {

    /** Why a promotion is refused, with DRBD's state-change error text. */
    public enum Refusal {
        /** DRBD SS_TWO_PRIMARIES. */
        PEER_IS_PRIMARY(-1, "Multiple primaries not allowed by config"),
        /** DRBD SS_NO_UP_TO_DATE_DISK. */
        NEED_UP_TO_DATE(-2, "Need access to UpToDate data");

        private final int drbdCode;
        private final String drbdText;

        Refusal(int drbdCode, String drbdText) {
            this.drbdCode = drbdCode;
            this.drbdText = drbdText;
        }

        /** DRBD's message, e.g. "State change failed: (-2) Need access to UpToDate data". */
        public String message() {
            return "State change failed: (" + drbdCode + ") " + drbdText;
        }
    }

    private PromotionRules() {
    }

    /** True when {@link #refusal} finds nothing against the promotion. */
    public static boolean mayPromote(DiskState disk, ConnectionState connection, PeerSummary peer, boolean force) {
        return refusal(disk, connection, peer, force).isEmpty();
    }

    /** The reason the promotion is refused, or empty when it may proceed. */
    public static Optional<Refusal> refusal(DiskState disk, ConnectionState connection, PeerSummary peer,
                                            boolean force) {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(peer, "peer");
        boolean connected = connection == ConnectionState.CONNECTED;
        if (connected && peer.role() == Role.PRIMARY && !peer.allowTwoPrimaries()) {
            return Optional.of(Refusal.PEER_IS_PRIMARY);
        }
        boolean allowed = switch (disk) {
            case UP_TO_DATE -> true;
            case CONSISTENT -> force || peer.knownOutdated();
            case INCONSISTENT, OUTDATED -> force;
            case DISKLESS -> connected && peer.disk() == DiskState.UP_TO_DATE;
            case ATTACHING, FAILED, DUNKNOWN -> false;
        };
        return allowed ? Optional.empty() : Optional.of(Refusal.NEED_UP_TO_DATE);
    }

    /** True when promoting with these facts needs {@code --force} (and is allowed with it). */
    public static boolean needsForce(DiskState disk, ConnectionState connection, PeerSummary peer) {
        return !mayPromote(disk, connection, peer, false) && mayPromote(disk, connection, peer, true);
    }
}
