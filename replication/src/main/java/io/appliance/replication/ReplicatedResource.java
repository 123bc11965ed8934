package io.appliance.replication;

import io.appliance.config.replication.ResourceDefinition;
import io.appliance.iscsi.block.BlockDevice;

/**
 * One replicated disk on this node, driven with drbdadm's verbs.
 *
 * <p>Contract: verbs are thread-safe, block until the state change is done (bounded by a few times
 * the resource's {@code timeout}) and throw {@link ReplicationException} with a DRBD-like message
 * when refused or failed. They must not be called from a Netty event loop.
 */
public interface ReplicatedResource {

    String name();

    ResourceDefinition definition();

    /** create-md: writes fresh metadata (Inconsistent, just created, bitmap all set). Refused while up,
     *  and when valid metadata exists unless {@code force}. */
    void createMetadata(boolean force);

    /** attach (metadata read; after an unclean stop of a Primary the activity log goes into the
     *  bitmap) and connect; the role is Secondary. */
    void up();

    /** disconnect and detach; refused while Primary. */
    void down();

    /** Promotes per DRBD's rules; {@code force} makes Inconsistent/Outdated data UpToDate. Bumps the epoch. */
    void primary(boolean force);

    /** Demotes once the device's in-flight I/O has completed. */
    void secondary();

    /** StandAlone → Connecting; {@code discardMyData} makes this node the split-brain victim. */
    void connect(boolean discardMyData);

    /** → StandAlone. */
    void disconnect();

    /** Online verify (this node VerifyS); needs Connected and Established. */
    void verify();

    /** Discards the local data: full resync from the peer when connected, else Inconsistent. */
    void invalidate();

    /** Makes the peer a SyncTarget of a full resync. */
    void invalidateRemote();

    /** new-current-uuid; with {@code clearBitmap} on a connected, just created pair: skip the initial sync. */
    void newCurrentUuid(boolean clearBitmap);

    /**
     * outdate (drbdadm outdate): on a node that is neither Primary nor connected, marks its
     * Consistent or UpToDate disk Outdated, durably (the metadata's was-up-to-date flag is cleared
     * before this returns): the node then refuses promotion without {@code force} and takes the
     * peer's data when it connects. Already Outdated: nothing to do. Refused while Primary
     * ({@code (-2) Need access to UpToDate data}), while connected ({@code (-6) Refusing to be
     * Outdated while Connected}), without a disk ({@code (-11)}) and for Inconsistent data
     * ({@code (-16) Disk state is lower than outdated}).
     */
    void outdate();

    /** Re-reads the backing size, agrees with the peer and grows. */
    void resize();

    ResourceStatus status();

    /** The replicated disk; I/O while not Primary fails with BlockDeviceNotReadyException. */
    BlockDevice device();
}
