package io.appliance.iscsi.block;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link BlockDevice} backed by a (normally sparse) regular file: positional I/O through one
 * {@link FileChannel}, run on the I/O executor the caller supplies; a flush is an fdatasync
 * ({@code FileChannel.force(false)}); a write with force unit access is the write followed by
 * {@code force(false)}.
 *
 * <p>Threads: every request runs as one task on the executor and completes its future from that
 * task. Requests are not serialised against each other (positional I/O needs no lock).
 *
 * <p>Close: {@link #close()} refuses new requests at once (they complete with
 * {@link ClosedChannelException}); the file is closed when the last request already accepted has
 * completed. An executor thread that is interrupted while it does I/O makes the JDK close the
 * channel; the device then reopens the file for later requests instead of failing forever.
 *
 * <p>Thin provisioning: {@link #discard} punches a hole (fallocate(2)
 * {@code FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE}, through {@link FileSpace}), and
 * {@link #extentAt} finds holes with lseek(2) {@code SEEK_DATA}/{@code SEEK_HOLE}. Whether the
 * file system punches holes is probed once at open (a punch past the end of the file); when it
 * does not, or the device is read-only, discard does nothing and {@link #discardZeroes()} is
 * false.
 *
 * <p>Write caching ({@link WriteCaching}): LUN files write through the page cache; a replicated
 * disk's backing writes past it with O_DIRECT, as DRBD's writes to its backing device do.
 */
public final class FileBlockDevice implements BlockDevice, AllocationMap {

    /** How writes reach the file. Reads always go through the page cache. */
    public enum WriteCaching {
        /** Through the page cache (write-back: durable after a flush, or at once with FUA). */
        BUFFERED,
        /**
         * A write whose offset and length are multiples of the file system's block goes to the disk
         * with O_DIRECT, bypassing the page cache, as DRBD writes to its backing device: it is
         * complete when the device took it (still durable only after a flush, or with FUA, on a
         * device with a volatile cache). Other writes use the page cache; the kernel keeps the two
         * coherent (a direct write writes back and drops the cached pages it overlaps). Where the
         * file system refuses O_DIRECT, every write is buffered ({@link #directWrites()} false).
         */
        DIRECT
    }

    /** The largest piece one direct write copies at a time (per I/O thread, one aligned buffer of this size). */
    private static final int DIRECT_PIECE_BYTES = 1 << 20;
    /** Alignment of the direct-write buffers; file systems whose block is larger get buffered writes. */
    private static final int DIRECT_BUFFER_ALIGNMENT = 4096;
    private static final ThreadLocal<ByteBuffer> DIRECT_BUFFER = new ThreadLocal<>();

    private final Path file;
    private final int blockSize;
    private final boolean readOnly;
    private volatile long size;
    private final Executor ioExecutor;
    private volatile FileChannel channel;
    /** The O_DIRECT channel for aligned writes; null when writes are buffered. */
    private volatile FileChannel directChannel;
    /** The file system's block: direct writes need offsets and lengths that are multiples of it. */
    private final int directAlignment;
    private final Object reopenLock = new Object();
    private final RequestGate gate = new RequestGate(this::closeChannel);
    /** Punch-hole and hole-finding handle; null when the file system cannot punch holes or read-only. */
    private final FileSpace space;

    private FileBlockDevice(Path file, int blockSize, boolean readOnly, long size, FileChannel channel,
            Executor ioExecutor, FileSpace space, FileChannel directChannel, int directAlignment) {
        this.space = space;
        this.directChannel = directChannel;
        this.directAlignment = directAlignment;
        this.file = file;
        this.blockSize = blockSize;
        this.readOnly = readOnly;
        this.size = size;
        this.channel = channel;
        this.ioExecutor = ioExecutor;
    }

    /**
     * Opens an existing file. The device's size is the file's length rounded down to a multiple
     * of {@code blockSize}.
     *
     * @throws IOException              when the file cannot be opened (absent, permissions)
     * @throws IllegalArgumentException when the block size is not 512 or 4096, or the file is
     *                                  smaller than one block
     */
    public static FileBlockDevice open(Path file, int blockSize, boolean readOnly, Executor ioExecutor)
            throws IOException {
        return open(file, blockSize, readOnly, ioExecutor, WriteCaching.BUFFERED);
    }

    /** As {@link #open(Path, int, boolean, Executor)}, with writes cached as {@code caching} says. */
    public static FileBlockDevice open(Path file, int blockSize, boolean readOnly, Executor ioExecutor,
            WriteCaching caching) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(ioExecutor, "ioExecutor");
        Objects.requireNonNull(caching, "caching");
        checkBlockSize(blockSize);
        FileChannel channel = openChannel(file, readOnly);
        FileChannel direct = null;
        try {
            long size = channel.size() / blockSize * blockSize;
            if (size == 0) {
                throw new IllegalArgumentException("file " + file + " is smaller than one block of " + blockSize);
            }
            int alignment = caching == WriteCaching.DIRECT && !readOnly ? directAlignment(file) : 0;
            if (alignment > 0) {
                direct = openDirectChannel(file);
            }
            return new FileBlockDevice(file, blockSize, readOnly, size, channel, ioExecutor,
                readOnly ? null : openSpace(file, channel.size(), blockSize), direct, alignment);
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (direct != null) {
                direct.close();
            }
            throw e;
        }
    }

    /** The file system's block when direct writes can use our aligned buffers, else 0. */
    private static int directAlignment(Path file) {
        try {
            long block = Files.getFileStore(file).getBlockSize();
            boolean usable = block > 0 && block <= DIRECT_BUFFER_ALIGNMENT && Long.bitCount(block) == 1;
            return usable ? (int) block : 0;
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    /** A write-only O_DIRECT channel, or null when the file system refuses O_DIRECT (tmpfs on older kernels). */
    private static FileChannel openDirectChannel(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Whether aligned writes bypass the page cache (asked for, and the file system allows it). */
    public boolean directWrites() {
        return directChannel != null;
    }

    /**
     * Creates a sparse file of {@code sizeBytes} rounded down to {@code blockSize} if it is absent,
     * creating parent directories; if it exists, opens it and grows it (sparsely) when it is
     * smaller, never shrinking it. The device's size is the file's resulting length rounded down
     * to a block.
     */
    public static FileBlockDevice create(Path file, long sizeBytes, int blockSize, Executor ioExecutor)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(ioExecutor, "ioExecutor");
        checkBlockSize(blockSize);
        long wanted = sizeBytes / blockSize * blockSize;
        if (wanted <= 0) {
            throw new IllegalArgumentException("size " + sizeBytes + " is less than one block of " + blockSize);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (raf.length() < wanted) {
                raf.setLength(wanted); // ftruncate: extends without allocating blocks
            }
        }
        return open(file, blockSize, false, ioExecutor);
    }

    private static void checkBlockSize(int blockSize) {
        if (blockSize != 512 && blockSize != 4096) {
            throw new IllegalArgumentException("block size must be 512 or 4096: " + blockSize);
        }
    }

    /** The space handle when punching holes works on this file system, else null. */
    private static FileSpace openSpace(Path file, long endOfFile, int blockSize) {
        FileSpace space;
        try {
            space = FileSpace.open(file);
        } catch (IOException | LinkageError | RuntimeException e) {
            return null; // no libc binding or no access: the device is simply not thin
        }
        if (space.punchHoleSupported(endOfFile, Math.max(blockSize, 4096))) {
            return space;
        }
        space.close();
        return null;
    }

    private static FileChannel openChannel(Path file, boolean readOnly) throws IOException {
        return readOnly
                ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    public Path path() {
        return file;
    }

    /**
     * Grows the file (sparsely) and the device to {@code sizeBytes} rounded down to a block; a
     * smaller size changes nothing (a device never shrinks under its initiators). The caller then
     * tells the logical unit ({@code LogicalUnit.capacityChanged()}) so that initiators learn it.
     *
     * @return the device size after the call
     * @throws IOException when the file cannot be extended
     */
    public long grow(long sizeBytes) throws IOException {
        if (readOnly) {
            throw new IOException("device " + file + " is read-only");
        }
        long wanted = sizeBytes / blockSize * blockSize;
        synchronized (reopenLock) {
            if (wanted > size) {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    if (raf.length() < wanted) {
                        raf.setLength(wanted);
                    }
                }
                size = wanted;
            }
            return size;
        }
    }

    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return submit(offset, dst.remaining(), () -> PositionalIo.readFully(currentChannel(), dst, offset));
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
        Objects.requireNonNull(src, "src");
        if (readOnly) {
            return CompletableFuture.failedFuture(new IOException("device " + file + " is read-only"));
        }
        return submit(offset, src.remaining(), () -> {
            if (directChannel != null && offset % directAlignment == 0 && src.remaining() % directAlignment == 0) {
                writeDirect(src, offset);
            } else {
                PositionalIo.writeFully(currentChannel(), src, offset);
            }
            if (forceUnitAccess) {
                currentChannel().force(false);
            }
        });
    }

    @Override
    public CompletableFuture<Void> flush() {
        if (readOnly) {
            return CompletableFuture.completedFuture(null);
        }
        return submit(0, 0, () -> currentChannel().force(false));
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        String invalid = checkRange(offset, length);
        if (invalid != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(invalid));
        }
        if (space == null || length == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return submit(offset, length, () -> space.punchHole(offset, length));
    }

    @Override
    public boolean discardZeroes() {
        return space != null;
    }

    /**
     * The run of holes or data at {@code offset} (lseek SEEK_DATA/SEEK_HOLE), cut to whole blocks:
     * a block partly holding data counts as mapped. Without punch-hole support everything is
     * reported mapped.
     */
    @Override
    public CompletableFuture<Extent> extentAt(long offset, long maxLength) {
        long limit = Math.min(maxLength, size - offset);
        if (offset < 0 || offset % blockSize != 0 || offset >= size || limit < blockSize) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "offset " + offset + " and length " + maxLength + " must name a block of " + this));
        }
        CompletableFuture<Extent> answer = new CompletableFuture<>();
        if (space == null) {
            answer.complete(new Extent(offset, limit / blockSize * blockSize, true));
            return answer;
        }
        submit(offset, 0, () -> answer.complete(probeExtent(offset, limit)))
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        answer.completeExceptionally(failure);
                    }
                });
        return answer;
    }

    private Extent probeExtent(long offset, long limit) throws IOException {
        long data = space.nextData(offset);
        long end;
        boolean mapped;
        if (data == offset) {
            long hole = space.nextHole(offset);
            end = hole < 0 ? offset + limit : hole;
            mapped = true;
            end = (end + blockSize - 1) / blockSize * blockSize; // a block partly holding data is mapped
        } else {
            mapped = false;
            end = data < 0 ? offset + limit : data / blockSize * blockSize;
        }
        long length = Math.min(end, offset + limit) - offset;
        if (length < blockSize) {
            // data starts inside this block: the block is mapped
            long hole = space.nextHole(data);
            long mappedEnd = hole < 0 ? offset + limit : (hole + blockSize - 1) / blockSize * blockSize;
            return new Extent(offset, Math.max(blockSize, Math.min(mappedEnd, offset + limit) - offset), true);
        }
        return new Extent(offset, length / blockSize * blockSize, mapped);
    }

    @Override
    public void close() {
        gate.close();
    }

    @Override
    public String toString() {
        return "FileBlockDevice[" + file + ", " + size + " bytes, block " + blockSize + (readOnly ? ", read-only" : "")
                + (directWrites() ? ", direct writes]" : "]");
    }

    private String checkRange(long offset, long length) {
        return RequestGate.rangeProblem(offset, length, size, blockSize, "device " + file);
    }

    private CompletableFuture<Void> submit(long offset, long length, IoAction action) {
        String invalid = checkRange(offset, length);
        if (invalid != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(invalid));
        }
        if (!gate.enter()) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            ioExecutor.execute(() -> {
                try {
                    action.run();
                    gate.exit();
                    done.complete(null);
                } catch (IOException | RuntimeException e) {
                    gate.exit();
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            gate.exit();
            done.completeExceptionally(new IOException("I/O executor refused the request", e));
        }
        return done;
    }

    /**
     * Copies {@code src} into this thread's aligned buffer piece by piece and writes each piece with
     * O_DIRECT (the JDK wants the buffer, the position and the length aligned to the block).
     */
    private void writeDirect(ByteBuffer src, long offset) throws IOException {
        ByteBuffer pieces = src.duplicate();
        long at = offset;
        while (pieces.hasRemaining()) {
            int piece = Math.min(pieces.remaining(), DIRECT_PIECE_BYTES);
            ByteBuffer aligned = directBuffer();
            aligned.clear().limit(piece);
            aligned.put(pieces.slice(pieces.position(), piece)).flip();
            PositionalIo.writeFully(currentDirectChannel(), aligned, at);
            pieces.position(pieces.position() + piece);
            at += piece;
        }
        src.position(src.limit());
    }

    private static ByteBuffer directBuffer() {
        ByteBuffer buffer = DIRECT_BUFFER.get();
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(DIRECT_PIECE_BYTES + DIRECT_BUFFER_ALIGNMENT)
                    .alignedSlice(DIRECT_BUFFER_ALIGNMENT);
            DIRECT_BUFFER.set(buffer);
        }
        return buffer;
    }

    /** The open channel; reopens the file if an interrupted I/O thread made the JDK close it. */
    private FileChannel currentChannel() throws IOException {
        FileChannel current = channel;
        return current.isOpen() ? current : reopen(false);
    }

    /** The open O_DIRECT channel, reopened as {@link #currentChannel()} is. */
    private FileChannel currentDirectChannel() throws IOException {
        FileChannel current = directChannel;
        return current.isOpen() ? current : reopen(true);
    }

    private FileChannel reopen(boolean direct) throws IOException {
        synchronized (reopenLock) {
            if (gate.closeRequested() && gate.drained()) {
                throw new ClosedChannelException();
            }
            if (direct) {
                if (!directChannel.isOpen()) {
                    Thread.interrupted(); // a pending interrupt would close the new channel at once
                    directChannel = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
                }
                return directChannel;
            }
            if (!channel.isOpen()) {
                Thread.interrupted();
                channel = openChannel(file, readOnly);
            }
            return channel;
        }
    }

    /** Runs once, after close, when the last request has finished. */
    private void closeChannel() {
        if (space != null) {
            space.close();
        }
        synchronized (reopenLock) {
            try {
                channel.close();
                if (directChannel != null) {
                    directChannel.close();
                }
            } catch (IOException e) {
                // nothing left to tell: the device is closed and every request has completed
            }
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
