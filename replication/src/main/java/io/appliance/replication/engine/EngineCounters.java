package io.appliance.replication.engine;

import java.util.concurrent.atomic.LongAdder;

/** Application and replication byte counters of one resource (resync ones live in SyncCounters). */
final class EngineCounters {
    final LongAdder appWrittenBytes = new LongAdder();
    final LongAdder appReadBytes = new LongAdder();
    final LongAdder sentBytes = new LongAdder();
    final LongAdder receivedBytes = new LongAdder();
    final LongAdder alTransactions = new LongAdder();
}
