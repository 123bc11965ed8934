package io.appliance.node.replication;

import io.appliance.replication.ResourceStatus;
import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.sync.SyncProgress;
import java.util.List;
import java.util.Locale;

/**
 * A resource's status as the API shows it ({@code GET /api/v1/replication/{res}}); states in
 * DRBD's words ({@code Primary}, {@code UpToDate}, {@code SyncSource}, ...).
 *
 * @param peer           the peer's node name
 * @param sync           resync or verify progress; null when none runs
 * @param generationIds  DRBD's generation identifiers as 16 hex digits
 * @param lastProblem    the last refusal or failure in DRBD's words; null when none
 */
public record ReplicationStatusView(String name, String role, String disk, boolean suspended, String connection,
        String peer, String peerRole, String peerDisk, String replication, long sizeBytes, long outOfSyncBytes,
        SyncView sync, long verifiedOutOfSyncBytes, long epoch, GenerationIdsView generationIds, CountersView counters,
        String lastProblem) {

    /** Progress of a resync or verify. */
    public record SyncView(double percentDone, long bytesPerSecond, Long etaSeconds, long remainingBytes) {
        static SyncView of(SyncProgress progress) {
            return new SyncView(progress.percentDone(), progress.bytesPerSecond(),
                    progress.eta().map(eta -> eta.toSeconds()).orElse(null), progress.remainingBytes());
        }
    }

    /** {@code current}, {@code bitmap} and {@code history} (newest first), each 16 hex digits. */
    public record GenerationIdsView(String current, String bitmap, List<String> history) {
        static GenerationIdsView of(GenerationIds ids) {
            return new GenerationIdsView(hex(ids.current()), hex(ids.bitmap()), List.of(hex(ids.history1()), hex(ids.history2())));
        }

        private static String hex(long value) {
            return String.format(Locale.ROOT, "%016X", value);
        }
    }

    /** {@link ResourceStatus.Counters}, in bytes except the two write counts. */
    public record CountersView(long appWrittenBytes, long appReadBytes, long sentBytes, long receivedBytes,
            long resyncSentBytes, long resyncReceivedBytes, long resyncSkippedBytes, long verifiedBytes,
            long alTransactions, long bitmapPageWrites) {
        static CountersView of(ResourceStatus.Counters counters) {
            return new CountersView(counters.appWrittenBytes(), counters.appReadBytes(), counters.sentBytes(),
                    counters.receivedBytes(), counters.resyncSentBytes(), counters.resyncReceivedBytes(),
                    counters.resyncSkippedBytes(), counters.verifiedBytes(), counters.alTransactions(),
                    counters.bitmapPageWrites());
        }
    }

    public static ReplicationStatusView of(ResourceStatus status) {
        return new ReplicationStatusView(status.name(), status.role().drbdName(), status.disk().drbdName(),
                status.suspended(), status.connection().drbdName(), status.peerName(),
                status.peerRole() == null ? null : status.peerRole().drbdName(),
                status.peerDisk() == null ? null : status.peerDisk().drbdName(),
                status.replication() == null ? null : status.replication().drbdName(), status.sizeBytes(),
                status.outOfSyncBytes(), status.sync().map(SyncView::of).orElse(null), status.verifiedOutOfSyncBytes(),
                status.epoch(), status.ids() == null ? null : GenerationIdsView.of(status.ids()),
                CountersView.of(status.counters()), status.lastProblem().orElse(null));
    }
}
