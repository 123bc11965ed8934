package io.appliance.replication.state;

import java.util.Objects;

/**
 * One node's side of the sync handshake: what it sends in its {@code Uuids} and {@code State} packets.
 *
 * @param ids the node's generation identifiers
 * @param disk its disk state now
 * @param role its role now (counts the primaries for the after-sb-0pri/1pri/2pri choice)
 * @param crashedPrimary it crashed while Primary and has not resynced since ({@link MetadataFlags#crashedPrimary()})
 * @param outOfSyncBlocks bits set in its quick-sync bitmap: the blocks it changed (or misses) since the
 *     bitmap generation; the "changes" of discard-zero-changes and discard-least-changes
 * @param discardMyData the admin connected it with {@code --discard-my-data}: it is the victim of a split brain
 * @param nodeName its node name ({@code on NAME} in the resource); names appear in explanations and
 *     break ties
 */
public record DiskView(GenerationIds ids, DiskState disk, Role role, boolean crashedPrimary,
                       long outOfSyncBlocks, boolean discardMyData, String nodeName) {

    public DiskView {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(nodeName, "nodeName");
        if (outOfSyncBlocks < 0) {
            throw new IllegalArgumentException("outOfSyncBlocks " + outOfSyncBlocks + " < 0");
        }
    }
}
