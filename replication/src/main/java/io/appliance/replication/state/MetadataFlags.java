package io.appliance.replication.state;

/**
 * Per-node persistent facts kept in the metadata superblock, and the disk state they give at attach
 * time. Bit positions follow DRBD 8.4's {@code MDF_*} flags where DRBD has the same fact, so a dump
 * reads the same to a DRBD admin.
 *
 * @param consistent the data is consistent (not a SyncTarget in the middle of a resync, not invalidated)
 * @param wasUpToDate the data was UpToDate when last written (not Outdated)
 * @param primaryIndicator the node is Primary; set durably before the promotion completes, cleared on
 *     demotion. Found set at attach, it means the node crashed while Primary.
 * @param connectedIndicator the node was connected to its peer when the metadata was last written
 * @param fullSync a full sync was requested (invalidate while not connected) and has not yet started
 * @param peerOutdated the peer is known to be Outdated (fencing); allows promotion of Consistent data
 * @param crashedPrimary the node crashed while Primary and has not resynced since: its activity-log
 *     extents are out of sync and the next handshake resyncs them (rule 40)
 * @param cleanShutdown the node was stopped cleanly: the activity log is empty
 */
public record MetadataFlags(boolean consistent, boolean wasUpToDate, boolean primaryIndicator,
                            boolean connectedIndicator, boolean fullSync, boolean peerOutdated,
                            boolean crashedPrimary, boolean cleanShutdown) {

    /** DRBD MDF_CONSISTENT. */
    public static final int CONSISTENT = 1;
    /** DRBD MDF_PRIMARY_IND. */
    public static final int PRIMARY_INDICATOR = 1 << 1;
    /** DRBD MDF_CONNECTED_IND. */
    public static final int CONNECTED_INDICATOR = 1 << 2;
    /** DRBD MDF_FULL_SYNC. */
    public static final int FULL_SYNC = 1 << 3;
    /** DRBD MDF_WAS_UP_TO_DATE. */
    public static final int WAS_UP_TO_DATE = 1 << 4;
    /** DRBD MDF_PEER_OUT_DATED. */
    public static final int PEER_OUTDATED = 1 << 5;
    /** DRBD MDF_CRASHED_PRIMARY. */
    public static final int CRASHED_PRIMARY = 1 << 6;
    /** DRBD MDF_AL_CLEAN: the activity log is empty because the node stopped cleanly. */
    public static final int CLEAN_SHUTDOWN = 1 << 7;
    /** Every bit this format defines; {@link #fromBits} refuses others. */
    public static final int KNOWN_BITS = (1 << 8) - 1;

    /** All flags clear: the metadata of create-md (Inconsistent, never Primary). */
    public static MetadataFlags none() {
        return new MetadataFlags(false, false, false, false, false, false, false, false);
    }

    /** The flags as the superblock's u32. */
    public int toBits() {
        return (consistent ? CONSISTENT : 0)
            | (primaryIndicator ? PRIMARY_INDICATOR : 0)
            | (connectedIndicator ? CONNECTED_INDICATOR : 0)
            | (fullSync ? FULL_SYNC : 0)
            | (wasUpToDate ? WAS_UP_TO_DATE : 0)
            | (peerOutdated ? PEER_OUTDATED : 0)
            | (crashedPrimary ? CRASHED_PRIMARY : 0)
            | (cleanShutdown ? CLEAN_SHUTDOWN : 0);
    }

    /**
     * @throws IllegalArgumentException when a bit outside {@link #KNOWN_BITS} is set (metadata of another
     *     format or version)
     */
    public static MetadataFlags fromBits(int bits) {
        int unknown = bits & ~KNOWN_BITS;
        if (unknown != 0) {
            throw new IllegalArgumentException("unknown metadata flag bits 0x" + Integer.toHexString(unknown));
        }
        return new MetadataFlags(
            (bits & CONSISTENT) != 0,
            (bits & WAS_UP_TO_DATE) != 0,
            (bits & PRIMARY_INDICATOR) != 0,
            (bits & CONNECTED_INDICATOR) != 0,
            (bits & FULL_SYNC) != 0,
            (bits & PEER_OUTDATED) != 0,
            (bits & CRASHED_PRIMARY) != 0,
            (bits & CLEAN_SHUTDOWN) != 0);
    }

    /**
     * The disk state right after attach: not consistent → Inconsistent; consistent but not UpToDate when
     * last written → Outdated; else Consistent (UpToDate only once the peer is known: connected, or
     * known Outdated, or a forced promotion).
     */
    public DiskState diskStateAtAttach() {
        if (!consistent) {
            return DiskState.INCONSISTENT;
        }
        if (!wasUpToDate) {
            return DiskState.OUTDATED;
        }
        return DiskState.CONSISTENT;
    }

    /**
     * The flags to keep after attach: a Primary indicator found set means the node crashed while Primary,
     * so {@code crashedPrimary} is set (DRBD does the same) and stays until a resync clears it.
     */
    public MetadataFlags onAttach() {
        return withCrashedPrimary(crashedPrimary || primaryIndicator);
    }

    public MetadataFlags withConsistent(boolean value) {
        return new MetadataFlags(value, wasUpToDate, primaryIndicator, connectedIndicator, fullSync, peerOutdated,
            crashedPrimary, cleanShutdown);
    }

    public MetadataFlags withWasUpToDate(boolean value) {
        return new MetadataFlags(consistent, value, primaryIndicator, connectedIndicator, fullSync, peerOutdated,
            crashedPrimary, cleanShutdown);
    }

    public MetadataFlags withPrimaryIndicator(boolean value) {
        return new MetadataFlags(consistent, wasUpToDate, value, connectedIndicator, fullSync, peerOutdated,
            crashedPrimary, cleanShutdown);
    }

    public MetadataFlags withConnectedIndicator(boolean value) {
        return new MetadataFlags(consistent, wasUpToDate, primaryIndicator, value, fullSync, peerOutdated,
            crashedPrimary, cleanShutdown);
    }

    public MetadataFlags withFullSync(boolean value) {
        return new MetadataFlags(consistent, wasUpToDate, primaryIndicator, connectedIndicator, value, peerOutdated,
            crashedPrimary, cleanShutdown);
    }

    public MetadataFlags withPeerOutdated(boolean value) {
        return new MetadataFlags(consistent, wasUpToDate, primaryIndicator, connectedIndicator, fullSync, value,
            crashedPrimary, cleanShutdown);
    }

    public MetadataFlags withCrashedPrimary(boolean value) {
        return new MetadataFlags(consistent, wasUpToDate, primaryIndicator, connectedIndicator, fullSync, peerOutdated,
            value, cleanShutdown);
    }

    public MetadataFlags withCleanShutdown(boolean value) {
        return new MetadataFlags(consistent, wasUpToDate, primaryIndicator, connectedIndicator, fullSync, peerOutdated,
            crashedPrimary, value);
    }
}
