package io.appliance.replication.sync;

import io.appliance.replication.meta.OutOfSyncBitmap;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What resync and verify need from the engine for one resource.
 *
 * @param bitmap           this node's out-of-sync bitmap; it covers exactly the data area
 * @param data             this node's data area
 * @param peer             the link to the peer
 * @param clock            time source for rates, progress and flush intervals
 * @param metadataExecutor where blocking metadata work runs ({@link OutOfSyncBitmap#flush()},
 *                         joining a data flush); never a Netty event loop
 * @param counters         the resource's counters, updated by every sync object using this context
 */
public record SyncContext(OutOfSyncBitmap bitmap, DataArea data, PeerSender peer, Clock clock,
                          Executor metadataExecutor, SyncCounters counters) {

    public SyncContext {
        Objects.requireNonNull(bitmap, "bitmap");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metadataExecutor, "metadataExecutor");
        Objects.requireNonNull(counters, "counters");
        if (data.size() != bitmap.bitCount() * SyncLimits.BLOCK_BYTES) {
            throw new IllegalArgumentException("the bitmap covers " + bitmap.bitCount() * SyncLimits.BLOCK_BYTES
                    + " bytes but the data area has " + data.size());
        }
    }
}
