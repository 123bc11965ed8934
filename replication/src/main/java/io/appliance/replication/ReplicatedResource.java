package io.appliance.replication;

import io.appliance.config.replication.ResourceDefinition;
import io.appliance.iscsi.block.BlockDevice;
import java.util.concurrent.CompletableFuture;

/**
 * One replicated disk on this node, driven with drbdadm's verbs.
 *
 * <p>Contract: verbs are thread-safe, block until the state change is done (bounded by a few times
 * the resource's {@code timeout}) and throw {@link ReplicationException} with a DRBD-like message
 * when refused or failed. They must not be called from a Netty event loop. {@link #sendToPeer} and
 * {@link #onPeerMessage} are not verbs: they never block and may be called from any thread.
 */
public interface ReplicatedResource {

    /** The largest {@link #sendToPeer} payload: 1 MiB. */
    int MAX_PEER_MESSAGE_BYTES = 1024 * 1024;

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

    /**
     * pause-sync (drbdadm pause-sync): suspends the running resync (both sides then show PausedSyncS /
     * PausedSyncT) until {@link #resumeSync()} on this node; the peer may pause it as well, and it runs
     * again only when neither node holds it. Application writes keep being mirrored. Refused when no
     * resync runs; pausing twice changes nothing. The pause ends with the resync (or the connection).
     */
    void pauseSync();

    /** resume-sync: lifts this node's {@link #pauseSync()}; refused when this node did not pause the resync. */
    void resumeSync();

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

    /**
     * Sends an application message (e.g. a LUN's persistent-reservation state) to the peer over the
     * replication link, on the same connection and in order with the replicated writes sent before it:
     * every write, discard or flush submitted to {@link #device()} before this call is sent to the peer
     * before the message, and the peer runs its handler only once those have reached its backing device.
     *
     * <p>The future completes normally once the peer's {@link PeerMessageHandler} returned normally for it
     * (the handler stores it durably, so completion means "on the peer's disk"). It completes exceptionally
     * with {@link ReplicationException}:
     * <ul>
     *   <li>{@code NOT_CONNECTED}, message {@code "<resource>: not connected"}: not Connected (connection
     *       established with the peer, handshake done) at the time of the call, or the resource is closed;</li>
     *   <li>{@code INVALID}: the peer runs an older protocol (version 1) that has no application messages;</li>
     *   <li>{@code NOT_CONNECTED}, message {@code "...connection to <peer> lost before it answered..."}: the
     *       connection went down before the peer's answer (the peer may or may not have run its handler);</li>
     *   <li>{@code IO_ERROR}: the peer has no handler for the channel ({@code "no handler for channel X"}) or
     *       its handler threw; the message carries the peer's reason;</li>
     *   <li>{@code TIMEOUT}: no answer within ten times the resource's {@code timeout} option (net section;
     *       DRBD's default 6 s gives 60 s). A late answer is then ignored; the connection is kept.</li>
     * </ul>
     * Never blocks the caller; may be called from any thread including Netty event loops. The payload is
     * copied before this returns.
     *
     * @param channel 1..64 ASCII characters of {@code [A-Za-z0-9._:/-]}, else {@link IllegalArgumentException}
     * @param payload at most {@link #MAX_PEER_MESSAGE_BYTES} (1 MiB), possibly empty, else
     *                {@link IllegalArgumentException}
     */
    CompletableFuture<Void> sendToPeer(String channel, byte[] payload);

    /**
     * Receives the peer's application messages of {@code channel} (replacing an earlier handler of that
     * channel). The handler runs off the Netty event loops, on a thread dedicated to this resource's
     * messages, one message at a time per resource, in arrival order; it may block for disk I/O (fsync).
     * When it returns normally the sender's future completes normally; when it throws, the sender's future
     * fails with the exception's message. A message whose channel has no handler is answered
     * {@code "no handler for channel X"}. May be called at any time from any thread, also before {@link #up()}.
     *
     * @param channel 1..64 ASCII characters of {@code [A-Za-z0-9._:/-]}, else {@link IllegalArgumentException}
     */
    void onPeerMessage(String channel, PeerMessageHandler handler);
}
