package io.appliance.lvm.device;

import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.block.PositionalIo;
import io.appliance.iscsi.block.RequestGate;
import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.Lvm;
import io.appliance.lvm.LvmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logical volume as a {@link BlockDevice} (see its contract), opened one of two ways
 * ({@link VolumeAccess}):
 * <ul>
 *   <li>{@link VolumeAccess#DEVICE_NODE}: positional I/O on the activated node
 *       ({@link LogicalVolume#devicePath()}); the size is the node's size.
 *   <li>{@link VolumeAccess#EXTENT_MAP}: positional I/O on the physical volumes at the offsets
 *       of the volume's segment map ({@link ExtentMap#ofSegments}), one channel per PV; a request
 *       that crosses segment boundaries becomes one I/O per segment, run concurrently on the I/O
 *       executor, and completes when all of them have.
 * </ul>
 *
 * <p>Threads: I/O runs on the executor given at open and completes futures from there. Each
 * request maps its range against one immutable map read once; {@link #reload()} publishes a new
 * map atomically, so requests never wait for a reload and a reload never waits for I/O.
 *
 * <p>Durability: a write with force unit access runs {@code force(false)} (fdatasync) on each
 * backing file it touched before completing; {@link #flush()} runs it on every backing file.
 * {@link #discard} punches holes (fallocate(2) PUNCH_HOLE | KEEP_SIZE) in the backing files at
 * the extent map's offsets, one per piece, when every backing file supports it (probed at open and
 * reload, {@link BackingSpaces}); {@link #discardZeroes()} says whether it does. Otherwise
 * discard does nothing.
 *
 * <p>Close: {@link #close()} refuses new requests at once ({@link ClosedChannelException}); the
 * backing files are closed when the last request already accepted has completed.
 */
public final class LogicalVolumeDevice implements BlockDevice {

    private static final Logger LOG = LoggerFactory.getLogger(LogicalVolumeDevice.class);

    private final VolumeCatalog catalog;
    private final String pool;
    private final String volume;
    private final VolumeAccess access;
    private final int blockSize;
    private final boolean readOnly;
    private final Executor ioExecutor;
    private final BackingChannels channels;
    private volatile ExtentMap map;
    private final Object reloadLock = new Object();
    private final RequestGate gate;
    private final BackingSpaces spaces = new BackingSpaces();
    /** Whether every backing file of the current map punches holes; false when read-only. */
    private volatile boolean punchHoles;
    /** Largest range one extent-map lookup covers; a discard is split into such pieces. */
    private static final int DISCARD_SLICE_BYTES = 1 << 30;

    private LogicalVolumeDevice(VolumeCatalog catalog, String pool, String volume, VolumeAccess access,
            int blockSize, boolean readOnly, Executor ioExecutor, BackingChannels channels, ExtentMap map) {
        this.catalog = catalog;
        this.pool = pool;
        this.volume = volume;
        this.access = access;
        this.blockSize = blockSize;
        this.readOnly = readOnly;
        this.ioExecutor = ioExecutor;
        this.channels = channels;
        this.gate = new RequestGate(() -> {
            channels.close();
            spaces.close();
        });
        this.map = map;
        this.punchHoles = !readOnly && spaces.allSupportPunchHole(map.backingFiles());
    }

    /**
     * Opens a volume. {@link VolumeAccess#AUTO} picks {@link VolumeAccess#DEVICE_NODE} when
     * {@code lvm.deviceMapperAvailable()} and the volume is active, else
     * {@link VolumeAccess#EXTENT_MAP}; the choice is logged. Runs lvm2 report commands: call it
     * off the event loop.
     *
     * @param blockSize 512 or 4096; the device size is the volume's size rounded down to it
     * @throws LvmException NOT_FOUND when the pool, the volume or one of its PVs does not exist;
     *                      INVALID_ARGUMENT when DEVICE_NODE is asked for a volume without an
     *                      active device node, or the volume is not linear on PVs
     * @throws IOException  when a physical volume or the device node cannot be opened
     */
    public static LogicalVolumeDevice open(Lvm lvm, String pool, String volume, VolumeAccess access, int blockSize,
            boolean readOnly, Executor ioExecutor) throws LvmException, IOException {
        return open(VolumeCatalog.of(lvm), pool, volume, access, blockSize, readOnly, ioExecutor);
    }

    static LogicalVolumeDevice open(VolumeCatalog catalog, String pool, String volume, VolumeAccess access,
            int blockSize, boolean readOnly, Executor ioExecutor) throws LvmException, IOException {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(ioExecutor, "ioExecutor");
        if (blockSize != 512 && blockSize != 4096) {
            throw new IllegalArgumentException("block size must be 512 or 4096: " + blockSize);
        }
        LogicalVolume found = catalog.volume(pool, volume);
        VolumeAccess chosen = choose(catalog, access, found);
        BackingChannels channels = new BackingChannels(readOnly);
        try {
            ExtentMap map = readMap(catalog, chosen, found, blockSize, channels);
            LogicalVolumeDevice device = new LogicalVolumeDevice(catalog, pool, volume, chosen, blockSize, readOnly,
                    ioExecutor, channels, map);
            LOG.info("opened volume {} ({} bytes, block {}{}) by {} (asked: {}) on {}", found.fullName(),
                    map.sizeBytes(), blockSize, readOnly ? ", read-only" : "", chosen, access, map.backingFiles());
            return device;
        } catch (LvmException | IOException | RuntimeException e) {
            channels.close();
            throw e;
        }
    }

    private static VolumeAccess choose(VolumeCatalog catalog, VolumeAccess asked, LogicalVolume found)
            throws LvmException {
        switch (asked) {
            case AUTO:
                return catalog.deviceMapperAvailable() && found.active() ? VolumeAccess.DEVICE_NODE
                        : VolumeAccess.EXTENT_MAP;
            case DEVICE_NODE:
                if (!catalog.deviceMapperAvailable()) {
                    throw new LvmException(LvmException.Reason.INVALID_ARGUMENT, "this node has no device-mapper, so "
                            + found.fullName() + " has no device node: open it with access EXTENT_MAP or AUTO");
                }
                if (!found.active()) {
                    throw new LvmException(LvmException.Reason.INVALID_ARGUMENT, "volume " + found.fullName()
                            + " is not active: activate it with `lvchange -ay " + found.fullName()
                            + "` or open it with access EXTENT_MAP or AUTO");
                }
                return VolumeAccess.DEVICE_NODE;
            case EXTENT_MAP:
                if (found.active()) {
                    LOG.warn("volume {} is active but opened by extent map: its device node {} must not be used"
                            + " while this device is open (the two paths do not share a page cache)",
                            found.fullName(), found.devicePath());
                }
                return VolumeAccess.EXTENT_MAP;
            default:
                throw new IllegalArgumentException("unknown access " + asked);
        }
    }

    /** Builds the map of {@code found} and opens the backing files it names (before it is published). */
    private static ExtentMap readMap(VolumeCatalog catalog, VolumeAccess access, LogicalVolume found, int blockSize,
            BackingChannels channels) throws LvmException, IOException {
        if (access == VolumeAccess.DEVICE_NODE) {
            if (!found.active()) {
                throw new LvmException(LvmException.Reason.INVALID_ARGUMENT, "volume " + found.fullName()
                        + " is no longer active: activate it with `lvchange -ay " + found.fullName() + "`");
            }
            Path node = Path.of(found.devicePath());
            channels.openAll(List.of(node));
            return ExtentMap.ofDeviceNode(node, channels.channel(node).size(), blockSize);
        }
        ExtentMap map = ExtentMap.ofSegments(found, catalog.extentSizeBytes(found.vgName()),
                catalog.physicalVolumes(), blockSize);
        channels.openAll(map.backingFiles());
        return map;
    }

    /**
     * Re-reads the volume (size, segment map, physical volumes; the node's size in DEVICE_NODE
     * mode) after an extend, without closing: requests already mapped finish on the old map,
     * later ones use the new one, and {@link #size()} grows. The caller then tells the logical
     * unit so that initiators learn the new capacity. Runs lvm2 report commands: call it off the
     * event loop. Reloads are serialised.
     *
     * @throws LvmException INVALID_ARGUMENT when the volume is now smaller than the device (a
     *                      device never shrinks under its initiators; the old map stays in use),
     *                      NOT_FOUND when it was removed or renamed; lvm2 failures as they come
     * @throws IOException  when a new physical volume cannot be opened, or the device is closed
     */
    public void reload() throws LvmException, IOException {
        synchronized (reloadLock) {
            if (gate.closeRequested()) {
                throw new ClosedChannelException();
            }
            LogicalVolume found = catalog.volume(pool, volume);
            ExtentMap next = readMap(catalog, access, found, blockSize, channels);
            ExtentMap current = map;
            if (next.sizeBytes() < current.sizeBytes()) {
                throw new LvmException(LvmException.Reason.INVALID_ARGUMENT, "volume " + found.fullName()
                        + " shrank from " + current.sizeBytes() + " to " + next.sizeBytes()
                        + " bytes while open as a block device; a device never shrinks under its initiators:"
                        + " extend it back to at least " + current.sizeBytes() + " bytes");
            }
            map = next;
            if (punchHoles && !spaces.allSupportPunchHole(next.backingFiles())) {
                LOG.warn("volume {} now has a backing file that cannot punch holes: discards are ignored from now on",
                        found.fullName());
                punchHoles = false;
            }
            if (next.sizeBytes() != current.sizeBytes()) {
                LOG.info("volume {} grew from {} to {} bytes ({} ranges)", found.fullName(), current.sizeBytes(),
                        next.sizeBytes(), next.ranges().size());
            }
        }
    }

    /** The access mode in use (never {@link VolumeAccess#AUTO}). */
    public VolumeAccess access() {
        return access;
    }

    public String pool() {
        return pool;
    }

    public String volume() {
        return volume;
    }

    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public long size() {
        return map.sizeBytes();
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return transfer(offset, dst, false, false);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
        Objects.requireNonNull(src, "src");
        if (readOnly) {
            return CompletableFuture.failedFuture(new IOException("volume " + pool + "/" + volume + " is open read-only"));
        }
        return transfer(offset, src, true, forceUnitAccess);
    }

    @Override
    public CompletableFuture<Void> flush() {
        if (readOnly) {
            return CompletableFuture.completedFuture(null);
        }
        if (!gate.enter()) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        List<Path> files = channels.files();
        PendingRequest request = new PendingRequest(files.size(), () -> { });
        for (Path file : files) {
            run(request, () -> channels.channel(file).force(false));
        }
        return request.done;
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        ExtentMap snapshot = map;
        String invalid = checkRange(offset, length, snapshot.sizeBytes());
        if (invalid != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(invalid));
        }
        if (!punchHoles || length == 0) {
            return CompletableFuture.completedFuture(null);
        }
        if (!gate.enter()) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        List<ExtentMap.Piece> pieces = new ArrayList<>();
        for (long at = offset; at < offset + length; at += DISCARD_SLICE_BYTES) {
            pieces.addAll(snapshot.pieces(at, (int) Math.min(DISCARD_SLICE_BYTES, offset + length - at)));
        }
        PendingRequest request = new PendingRequest(pieces.size(), () -> { });
        for (ExtentMap.Piece piece : pieces) {
            run(request, () -> spaces.punchHole(piece.backingFile(), piece.backingPosition(), piece.length()));
        }
        return request.done;
    }

    @Override
    public boolean discardZeroes() {
        return punchHoles;
    }

    @Override
    public void close() {
        gate.close();
    }

    @Override
    public String toString() {
        return "LogicalVolumeDevice[" + pool + "/" + volume + ", " + access + ", " + map.sizeBytes() + " bytes, block "
                + blockSize + (readOnly ? ", read-only]" : "]");
    }

    private CompletableFuture<Void> transfer(long offset, ByteBuffer buffer, boolean write, boolean forceUnitAccess) {
        ExtentMap snapshot = map;
        int length = buffer.remaining();
        String invalid = checkRange(offset, length, snapshot.sizeBytes());
        if (invalid != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(invalid));
        }
        if (!gate.enter()) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        int start = buffer.position();
        if (length == 0) {
            release();
            return CompletableFuture.completedFuture(null);
        }
        List<ExtentMap.Piece> pieces = snapshot.pieces(offset, length);
        // like a channel's read and write, a completed request has consumed the buffer's remaining bytes
        PendingRequest request = new PendingRequest(pieces.size(), () -> buffer.position(start + length));
        for (ExtentMap.Piece piece : pieces) {
            ByteBuffer slice = buffer.slice(start + piece.requestOffset(), piece.length());
            run(request, () -> {
                FileChannel channel = channels.channel(piece.backingFile());
                if (write) {
                    PositionalIo.writeFully(channel, slice, piece.backingPosition());
                    if (forceUnitAccess) {
                        channel.force(false);
                    }
                } else {
                    PositionalIo.readFully(channel, slice, piece.backingPosition());
                }
            });
        }
        return request.done;
    }

    private String checkRange(long offset, long length, long size) {
        return RequestGate.rangeProblem(offset, length, size, blockSize, "volume " + pool + "/" + volume);
    }

    private void run(PendingRequest request, IoAction action) {
        try {
            ioExecutor.execute(() -> {
                try {
                    action.run();
                    request.partDone(null);
                } catch (IOException | RuntimeException e) {
                    request.partDone(e);
                }
            });
        } catch (RejectedExecutionException e) {
            request.partDone(new IOException("I/O executor refused the request", e));
        }
    }

    private void release() {
        gate.exit();
    }

    /**
     * The parts of one request (its per-range I/Os, or a flush's per-file syncs). The request
     * completes once every part has finished, so the caller's buffer is never touched after
     * completion; with the first failure if any part failed.
     */
    private final class PendingRequest {
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final AtomicInteger partsLeft;
        private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        private final Runnable onSuccess;

        PendingRequest(int parts, Runnable onSuccess) {
            this.partsLeft = new AtomicInteger(parts);
            this.onSuccess = onSuccess;
            if (parts == 0) {
                release();
                done.complete(null);
            }
        }

        void partDone(Throwable failure) {
            if (failure != null) {
                firstFailure.compareAndSet(null, failure);
            }
            if (partsLeft.decrementAndGet() != 0) {
                return;
            }
            release();
            Throwable failed = firstFailure.get();
            if (failed != null) {
                done.completeExceptionally(failed);
            } else {
                onSuccess.run();
                done.complete(null);
            }
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
