package io.appliance.replication.meta;

import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.MetadataFlags;
import java.util.Objects;

/**
 * The persistent facts of one node's copy of a resource, as stored in a superblock slot.
 *
 * @param sequence        write sequence; {@link MetadataStore#writeSuperblock} assigns it
 * @param deviceUuid      identifies this metadata since create-md
 * @param ids             generation identifiers
 * @param flags           consistent, was-up-to-date, primary indicator, ...
 * @param alExtents       activity-log capacity the area was laid out for
 * @param dataBytes       usable data size the area was laid out for
 * @param lastAgreedBytes size last agreed with the peer (DRBD's la-size)
 * @param epoch           this node's promotion epoch
 * @param peerEpoch       the highest epoch seen from a peer
 */
public record Superblock(long sequence, long deviceUuid, GenerationIds ids, MetadataFlags flags, int alExtents,
                         long dataBytes, long lastAgreedBytes, long epoch, long peerEpoch) {

    public Superblock {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(flags, "flags");
    }

    public Superblock withSequence(long value) {
        return new Superblock(value, deviceUuid, ids, flags, alExtents, dataBytes, lastAgreedBytes, epoch, peerEpoch);
    }

    public Superblock withDeviceUuid(long value) {
        return new Superblock(sequence, value, ids, flags, alExtents, dataBytes, lastAgreedBytes, epoch, peerEpoch);
    }

    public Superblock withIds(GenerationIds value) {
        return new Superblock(sequence, deviceUuid, value, flags, alExtents, dataBytes, lastAgreedBytes, epoch, peerEpoch);
    }

    public Superblock withFlags(MetadataFlags value) {
        return new Superblock(sequence, deviceUuid, ids, value, alExtents, dataBytes, lastAgreedBytes, epoch, peerEpoch);
    }

    public Superblock withAlExtents(int value) {
        return new Superblock(sequence, deviceUuid, ids, flags, value, dataBytes, lastAgreedBytes, epoch, peerEpoch);
    }

    public Superblock withDataBytes(long value) {
        return new Superblock(sequence, deviceUuid, ids, flags, alExtents, value, lastAgreedBytes, epoch, peerEpoch);
    }

    public Superblock withLastAgreedBytes(long value) {
        return new Superblock(sequence, deviceUuid, ids, flags, alExtents, dataBytes, value, epoch, peerEpoch);
    }

    public Superblock withEpoch(long value) {
        return new Superblock(sequence, deviceUuid, ids, flags, alExtents, dataBytes, lastAgreedBytes, value, peerEpoch);
    }

    public Superblock withPeerEpoch(long value) {
        return new Superblock(sequence, deviceUuid, ids, flags, alExtents, dataBytes, lastAgreedBytes, epoch, value);
    }
}
