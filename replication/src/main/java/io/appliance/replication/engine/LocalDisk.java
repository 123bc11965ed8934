package io.appliance.replication.engine;

import io.appliance.config.replication.MetaDisk;
import io.appliance.config.replication.ResourceHost;
import io.appliance.iscsi.block.BlockDevice;
import io.appliance.replication.BackingOpener;
import io.appliance.replication.meta.ActivityLog;
import io.appliance.replication.meta.MetadataLayout;
import io.appliance.replication.meta.MetadataStore;
import io.appliance.replication.meta.OutOfSyncBitmap;
import io.appliance.replication.meta.Superblock;
import io.appliance.replication.sync.DataArea;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * The attached local disk of a resource: the backing device, its metadata and the data area view.
 * Metadata I/O blocks, so it runs on one dedicated metadata thread (AL transactions, bitmap flushes,
 * superblock writes), in submission order.
 */
final class LocalDisk implements Closeable {
    private volatile BlockDevice backing;
    private volatile BlockDevice metaDevice;
    private final boolean internalMeta;
    /** Handles of the backing replaced by a grow; closed at detach (reads may still be in flight on them). */
    private final java.util.List<BlockDevice> replacedBackings = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final MetadataStore store;
    private volatile DataArea dataArea;
    private final ExecutorService metadataThread;
    private volatile Superblock superblock;

    private LocalDisk(BlockDevice backing, BlockDevice metaDevice, MetadataStore store, String threadName) {
        this.backing = backing;
        this.metaDevice = metaDevice;
        this.internalMeta = metaDevice == backing;
        this.store = store;
        this.dataArea = DataArea.of(backing, store.layout().dataBytes());
        this.superblock = store.superblock();
        this.metadataThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens the backing (and external meta device) and reads the metadata. */
    static LocalDisk attach(BackingOpener opener, ResourceHost host, int alExtents, String threadName) throws IOException {
        BlockDevice backing = opener.open(host.disk());
        BlockDevice meta = null;
        try {
            meta = openMeta(opener, host, backing);
            MetadataStore store = MetadataStore.open(meta, layout(backing, meta, alExtents));
            return new LocalDisk(backing, meta, store, threadName);
        } catch (IOException | RuntimeException e) {
            closeQuietly(backing, meta);
            throw e;
        }
    }

    /** create-md: fresh metadata on the backing (or external meta device). */
    static void createMetadata(BackingOpener opener, ResourceHost host, int alExtents, long deviceUuid,
                               boolean overwrite) throws IOException {
        BlockDevice backing = opener.open(host.disk());
        BlockDevice meta = null;
        try {
            meta = openMeta(opener, host, backing);
            MetadataStore.create(meta, layout(backing, meta, alExtents), deviceUuid, overwrite).close();
        } finally {
            closeQuietly(backing, meta);
        }
    }

    /** The data size the layout gives for the backing, without reading metadata. */
    static long dataBytesOf(BackingOpener opener, ResourceHost host, int alExtents) throws IOException {
        BlockDevice backing = opener.open(host.disk());
        BlockDevice meta = null;
        try {
            meta = openMeta(opener, host, backing);
            return layout(backing, meta, alExtents).dataBytes();
        } finally {
            closeQuietly(backing, meta);
        }
    }

    private static BlockDevice openMeta(BackingOpener opener, ResourceHost host, BlockDevice backing)
            throws IOException {
        if (host.metaDisk() instanceof MetaDisk.External external) {
            return opener.open(external.path());
        }
        return backing;
    }

    private static MetadataLayout layout(BlockDevice backing, BlockDevice meta, int alExtents) throws IOException {
        return meta == backing ? MetadataLayout.internal(backing.size(), alExtents)
                : MetadataLayout.external(backing.size(), meta.size(), alExtents);
    }

    private static void closeQuietly(BlockDevice backing, BlockDevice meta) {
        if (meta != null && meta != backing) {
            meta.close();
        }
        backing.close();
    }

    long dataBytes() {
        return store.layout().dataBytes();
    }

    DataArea dataArea() {
        return dataArea;
    }

    BlockDevice backing() {
        return backing;
    }

    OutOfSyncBitmap bitmap() {
        return store.bitmap();
    }

    ActivityLog activityLog() {
        return store.activityLog();
    }

    Superblock superblock() {
        return superblock;
    }

    /** Where blocking metadata work runs (for the sync package). */
    java.util.concurrent.Executor metadataExecutor() {
        return metadataThread;
    }

    /** Applies {@code change} to the newest superblock and writes it durably, on the metadata thread. */
    CompletableFuture<Superblock> updateSuperblock(UnaryOperator<Superblock> change) {
        return onMetadataThread(() -> {
            Superblock next = change.apply(store.superblock());
            store.writeSuperblock(next);
            superblock = store.superblock();
            return superblock;
        });
    }

    /** Completes once every metadata update queued before it is durable (fails when the disk is detached). */
    CompletableFuture<Void> metadataSettled() {
        return onMetadataThread(() -> null);
    }

    /** Slow path of the activity log: makes the range's extents active (durable AL transaction). */
    CompletableFuture<Void> beginActivity(long offset, long length) {
        return onMetadataThread(() -> {
            store.activityLog().begin(offset, length);
            return null;
        });
    }

    CompletableFuture<Void> flushBitmap() {
        return onMetadataThread(() -> {
            store.bitmap().flush();
            return null;
        });
    }

    /**
     * Re-reads the backing size and, when it grew enough, moves the internal metadata to its new
     * end ({@link MetadataStore#grow}) and widens the data area. The caller guarantees that no
     * application write is in flight. Completes with the data size after the call (unchanged when
     * the backing did not grow).
     *
     * <p>An open device may not see that its storage grew (a {@code FileBlockDevice} keeps the
     * size it read at open), so the backing is opened a second time through the opener; when that
     * handle is larger it replaces the old one for all later I/O and metadata, and the old handle
     * stays open until detach (reads may still be in flight on it).
     */
    CompletableFuture<Long> grow(BackingOpener opener, ResourceHost host) {
        return onMetadataThread(() -> {
            if (!internalMeta) {
                throw new IOException("resize with an external meta-disk is not supported by this version");
            }
            long current = store.layout().dataBytes();
            BlockDevice fresh = opener.open(host.disk());
            BlockDevice larger = fresh.size() > backing.size() ? fresh : backing;
            MetadataLayout grown;
            try {
                grown = MetadataLayout.internal(larger.size(), store.layout().alExtents());
                if (grown.dataBytes() <= current) {
                    fresh.close();
                    return current;
                }
                store.grow(larger, grown);
            } catch (IOException | RuntimeException e) {
                // the store may already use the fresh handle (a failure after the commit): close it at detach
                replacedBackings.add(fresh);
                throw e;
            }
            if (larger == fresh) {
                replacedBackings.add(backing);
                backing = fresh;
                metaDevice = fresh;
            } else {
                fresh.close();
            }
            dataArea = DataArea.of(backing, grown.dataBytes());
            superblock = store.superblock();
            return grown.dataBytes();
        });
    }

    /** Runs blocking metadata work on the metadata thread. */
    <T> CompletableFuture<T> onMetadataThread(IoCall<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            metadataThread.execute(() -> {
                try {
                    result.complete(call.call());
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new IOException("metadata thread stopped (disk detached)", e));
        }
        return result;
    }

    /** Clean detach: empties the AL, flushes the bitmap, marks the shutdown clean when asked, closes. */
    void close(UnaryOperator<Superblock> finalChange) {
        try {
            onMetadataThread(() -> {
                store.activityLog().writeEmpty();
                store.bitmap().flush();
                store.writeSuperblock(finalChange.apply(store.superblock()));
                return null;
            }).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(LocalDisk.class).warn("final metadata update failed: {}", e.toString());
        }
        close();
    }

    /** Closes without further metadata writes (detach after an I/O error, or after close(change)). */
    @Override
    public void close() {
        metadataThread.shutdown();
        try {
            metadataThread.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(LocalDisk.class).warn("closing metadata failed: {}", e.toString());
        }
        closeQuietly(backing, metaDevice);
        replacedBackings.forEach(BlockDevice::close);
    }

    /** A blocking metadata call. */
    @FunctionalInterface
    interface IoCall<T> {
        T call() throws IOException;
    }
}
