package io.appliance.replication;

import io.appliance.replication.state.ConnectionState;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import io.appliance.replication.sync.SyncProgress;
import java.util.Locale;
import java.util.Optional;

/**
 * A consistent snapshot of one resource on this node and what it knows of its peer.
 *
 * @param outOfSyncBytes         bytes marked out of sync in the local bitmap (4 KiB granularity)
 * @param verifiedOutOfSyncBytes bytes the last online verify found different
 * @param epoch                  the highest promotion epoch this node has persisted
 * @param lastProblem            the last refusal or failure, in DRBD's words, until the next success
 */
public record ResourceStatus(String name, Role role, DiskState disk, boolean suspended, long sizeBytes,
                             ConnectionState connection, String peerName, Role peerRole, DiskState peerDisk,
                             ReplicationState replication, long outOfSyncBytes, Optional<SyncProgress> sync,
                             long verifiedOutOfSyncBytes, GenerationIds ids, long epoch, Counters counters,
                             Optional<String> lastProblem) {

    /** Byte and operation counters since {@code up}. */
    public record Counters(long appWrittenBytes, long appReadBytes, long sentBytes, long receivedBytes,
                           long resyncSentBytes, long resyncReceivedBytes, long resyncSkippedBytes,
                           long verifiedBytes, long alTransactions, long bitmapPageWrites) {
        public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * {@code drbdadm status} style text, e.g.
     * <pre>
     * r0 role:Primary
     *   disk:UpToDate
     *   node2 role:Secondary
     *     replication:SyncSource peer-disk:Inconsistent done:45.20
     * </pre>
     * When not connected the peer line is {@code node2 connection:Connecting}. Verbose adds
     * out-of-sync KiB, rates, ETA, generation ids, counters and the last problem.
     */
    public String render(boolean verbose) {
        StringBuilder text = new StringBuilder();
        text.append(name).append(" role:").append(role.drbdName());
        if (suspended) {
            text.append(" suspended:yes");
        }
        text.append('\n');
        text.append("  disk:").append(disk.drbdName());
        if (verbose) {
            text.append(" size:").append(sizeBytes / 1024).append("KiB");
            text.append(" out-of-sync:").append(outOfSyncBytes / 1024).append("KiB");
            text.append(" epoch:").append(epoch);
            if (ids != null) {
                text.append(String.format(Locale.ROOT, " uuids:%016X:%016X:%016X:%016X",
                        ids.current(), ids.bitmap(), ids.history1(), ids.history2()));
            }
        }
        text.append('\n');
        text.append("  ").append(peerName);
        if (connection != ConnectionState.CONNECTED) {
            text.append(" connection:").append(connection.drbdName()).append('\n');
        } else {
            text.append(" role:").append(peerRole.drbdName()).append('\n');
            text.append("    replication:").append(replication.drbdName())
                .append(" peer-disk:").append(peerDisk.drbdName());
            sync.ifPresent(progress -> {
                text.append(String.format(Locale.ROOT, " done:%.2f", progress.percentDone()));
                if (verbose) {
                    text.append(" remaining:").append(progress.remainingBytes() / 1024).append("KiB");
                    text.append(" rate:").append(progress.bytesPerSecond() / 1024).append("KiB/s");
                    progress.eta().ifPresent(eta -> text.append(" eta:").append(eta.toSeconds()).append('s'));
                }
            });
            if (verbose && verifiedOutOfSyncBytes > 0) {
                text.append(" verified-out-of-sync:").append(verifiedOutOfSyncBytes / 1024).append("KiB");
            }
            text.append('\n');
        }
        if (verbose) {
            text.append(String.format(Locale.ROOT,
                    "  counters: written:%dKiB read:%dKiB sent:%dKiB received:%dKiB resync-sent:%dKiB"
                            + " resync-received:%dKiB resync-skipped:%dKiB verified:%dKiB al-writes:%d bm-writes:%d%n",
                    counters.appWrittenBytes() / 1024, counters.appReadBytes() / 1024, counters.sentBytes() / 1024,
                    counters.receivedBytes() / 1024, counters.resyncSentBytes() / 1024,
                    counters.resyncReceivedBytes() / 1024, counters.resyncSkippedBytes() / 1024,
                    counters.verifiedBytes() / 1024, counters.alTransactions(), counters.bitmapPageWrites()));
            lastProblem.ifPresent(problem -> text.append("  last-problem: ").append(problem).append('\n'));
        }
        return text.toString();
    }
}
