package io.appliance.replication.sync;

import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.replication.meta.MetadataException;
import io.appliance.replication.meta.MetadataLayout;
import io.appliance.replication.meta.MetadataStore;
import io.appliance.replication.meta.OutOfSyncBitmap;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Two nodes' data areas and bitmaps (metadata on in-memory devices), joined by two packet queues
 * that the test delivers by hand; the metadata executor runs work on the calling thread.
 */
final class SyncFixture implements AutoCloseable {

    static final int KIB = 1024;
    static final int MIB = 1024 * 1024;
    static final int BLOCK = SyncLimits.BLOCK_BYTES;
    private static final int META_DEVICE_BYTES = 1024 * 1024;

    final ManualClock clock = new ManualClock();
    final MemoryDataArea sourceData;
    final MemoryDataArea targetData;
    final MetadataStore sourceMeta;
    final MetadataStore targetMeta;
    final MemoryBlockDevice targetMetaDevice = new MemoryBlockDevice(META_DEVICE_BYTES);
    final PacketQueue toSource = new PacketQueue();
    final PacketQueue toTarget = new PacketQueue();
    final SyncCounters sourceCounters = new SyncCounters();
    final SyncCounters targetCounters = new SyncCounters();
    Executor metadataExecutor = Runnable::run;

    /** Both sides start with the same random content and empty bitmaps. */
    SyncFixture(int dataBytes, long seed) throws MetadataException {
        byte[] content = random(dataBytes, seed);
        sourceData = new MemoryDataArea(content);
        targetData = new MemoryDataArea(content);
        sourceMeta = MetadataStore.create(new MemoryBlockDevice(META_DEVICE_BYTES), layout(dataBytes), 1, false);
        targetMeta = MetadataStore.create(targetMetaDevice, layout(dataBytes), 2, false);
        sourceMeta.bitmap().clearAll();
        targetMeta.bitmap().clearAll();
        sourceMeta.bitmap().flush();
        targetMeta.bitmap().flush();
    }

    static MetadataLayout layout(int dataBytes) throws MetadataException {
        return MetadataLayout.external(dataBytes, META_DEVICE_BYTES, MetadataLayout.MIN_AL_EXTENTS);
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    OutOfSyncBitmap sourceBitmap() {
        return sourceMeta.bitmap();
    }

    OutOfSyncBitmap targetBitmap() {
        return targetMeta.bitmap();
    }

    /** The target's bitmap as it is on its metadata device (what a crash would leave). */
    long targetBitsOnDisk() throws MetadataException {
        return MetadataStore.open(targetMetaDevice, targetMeta.layout()).bitmap().cardinality();
    }

    /** Changes the source's copy of a range (the primary wrote it while disconnected) and marks it on the target. */
    void writeOnSourceWhileDisconnected(long offset, int length, long seed) {
        sourceData.put(offset, random(length, seed));
        targetBitmap().setRange(offset, length);
    }

    SyncContext sourceContext() {
        return new SyncContext(sourceBitmap(), sourceData, toTarget, clock, metadataExecutor, sourceCounters);
    }

    SyncContext targetContext() {
        return new SyncContext(targetBitmap(), targetData, toSource, clock, metadataExecutor, targetCounters);
    }

    ResyncRateController fastRate() {
        return new ResyncRateController(clock, 10L * 1024 * MIB, 250 * KIB);
    }

    ResyncTarget resyncTarget(Optional<DigestAlgorithm> csums) {
        return new ResyncTarget(targetContext(), SyncLimits.defaults(), fastRate(), csums);
    }

    ResyncSource resyncSource(Optional<DigestAlgorithm> csums) {
        return new ResyncSource(sourceContext(), csums, 64);
    }

    /** Ticks and delivers in order until the target is done; at most {@code maxRounds} rounds of 10 ms. */
    void run(ResyncTarget target, ResyncSource source, int maxRounds) {
        for (int round = 0; round < maxRounds && !target.done().isDone(); round++) {
            target.tick();
            toSource.deliverTo(source::onRequest);
            toTarget.deliverTo(target::onReply);
            clock.advance(Duration.ofMillis(10));
        }
    }

    /** Polls {@code condition} until it holds; fails the test after {@code limit}. */
    static void await(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            Thread.sleep(1);
        }
    }

    @Override
    public void close() {
        toSource.linkDown();
        toTarget.linkDown();
        sourceMeta.close();
        targetMeta.close();
    }
}
