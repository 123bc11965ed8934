package io.appliance.replication.state;

import java.util.Objects;

/**
 * What the promotion rules need to know about the peer side.
 *
 * @param role the peer's role; {@link Role#UNKNOWN} while not connected
 * @param disk the peer's disk state; {@link DiskState#DUNKNOWN} while not connected
 * @param knownOutdated the peer is known to be Outdated although not connected (metadata flag
 *     {@link MetadataFlags#peerOutdated()}, set by fencing)
 * @param allowTwoPrimaries the resource allows two primaries ({@code allow-two-primaries})
 */
public record PeerSummary(Role role, DiskState disk, boolean knownOutdated, boolean allowTwoPrimaries) {

    public PeerSummary {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(disk, "disk");
    }

    /** The peer while not connected. */
    public static PeerSummary notConnected(boolean knownOutdated, boolean allowTwoPrimaries) {
        return new PeerSummary(Role.UNKNOWN, DiskState.DUNKNOWN, knownOutdated, allowTwoPrimaries);
    }

    /** The peer as reported by its last {@code State} packet. */
    public static PeerSummary connected(Role role, DiskState disk, boolean allowTwoPrimaries) {
        return new PeerSummary(role, disk, disk == DiskState.OUTDATED, allowTwoPrimaries);
    }
}
