package io.appliance.iscsi.scsi;

import io.appliance.iscsi.block.BlockDevice;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The atomic writes of one logical unit (SBC-4 §4.29): each is committed to the unit's
 * {@link AtomicWriteLog}, written in place with FUA, then retired in the log, so that a power loss
 * at any point leaves all of its blocks old (torn record) or, after {@link #open}'s replay, all new.
 *
 * <p>Threads: the log has one slot, so the writes of one unit run one at a time, chained
 * asynchronously ({@link #write} returns at once). Log calls, which block on fsync, run on
 * {@link #LOG_THREADS}, never on an event loop or a device I/O thread; the in-place write is started
 * from there and its completion hops back to {@link #LOG_THREADS} for the retire.
 *
 * <p>Failure: a failed in-place write is tried once more from the record (a transient error then
 * still ends with all blocks new). When that fails too, the device is failing: the record is retired
 * anyway and the command fails, because a record left pending would be replayed at the next open
 * over writes acknowledged since (no acknowledged write may be lost; the blocks of a write that
 * failed on a failing medium may be torn, as with any write there). Only when the log can be neither
 * committed-then-retired nor retired does a record remain pending; the writer then refuses every
 * later atomic write until the unit is opened again, which replays it.
 */
final class AtomicWriter {

    /**
     * Shared by every unit; the per-unit chain keeps each unit's log calls serial, so one idle
     * thread per busy unit at most, none for idle units.
     */
    private static final ExecutorService LOG_THREADS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "atomic-write-log");
        thread.setDaemon(true);
        return thread;
    });

    private final AtomicWriteLog log;
    private final BlockDevice device;
    private final Executor executor;
    /** Completes when the last atomic write queued so far has ended; never fails. Guarded by this. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    /** Why the log slot may still hold a record of a failed write; only touched on the chain. */
    private volatile IOException stuck;

    private AtomicWriter(AtomicWriteLog log, BlockDevice device, Executor executor) {
        this.log = log;
        this.device = device;
        this.executor = executor;
    }

    /**
     * Replays the record {@code log} holds, if any (written in place, flushed, retired), clears a
     * torn one, and returns the writer. Blocks; called while the unit is being constructed, before
     * any command can reach it.
     *
     * @throws UncheckedIOException when the log cannot be read or cleared, or the replay fails
     */
    static AtomicWriter open(AtomicWriteLog log, BlockDevice device) {
        Objects.requireNonNull(log, "log");
        try {
            Optional<AtomicWriteLog.Record> pending = log.pending();
            if (pending.isPresent()) {
                replay(pending.get(), device);
            }
            // retires the replayed record, or overwrites a torn one so it is never looked at again
            log.retire();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the atomic write log " + log, e);
        }
        return new AtomicWriter(log, device, LOG_THREADS);
    }

    private static void replay(AtomicWriteLog.Record record, BlockDevice device) throws IOException {
        long offset = record.offset();
        int length = record.data().length;
        if (offset % device.blockSize() != 0 || length % device.blockSize() != 0 || offset > device.size() - length) {
            throw new IOException("pending atomic write of " + length + " bytes at " + offset
                    + " does not fit the device of " + device.size() + " bytes");
        }
        try {
            device.write(offset, ByteBuffer.wrap(record.data()), true).get();
            device.flush().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted replaying the atomic write log");
        } catch (ExecutionException e) {
            throw new IOException("cannot replay the atomic write at " + offset, e.getCause());
        }
    }

    /**
     * Writes {@code data} at byte {@code offset} atomically, after every atomic write queued
     * before. Returns at once; the future completes once the data is in place and durable and the
     * record retired, or fails with the {@link IOException} (or device exception) that stopped it.
     * The caller holds the exclusive range lock for the blocks and keeps {@code data} unchanged.
     */
    CompletableFuture<Void> write(long offset, byte[] data) {
        CompletableFuture<Void> done;
        synchronized (this) {
            done = tail.thenComposeAsync(previous -> commitWriteRetire(offset, data), executor);
            tail = done.handle((result, failure) -> null);
        }
        return done;
    }

    /** Runs on {@link #executor}, alone for this unit. */
    private CompletableFuture<Void> commitWriteRetire(long offset, byte[] data) {
        if (stuck != null) {
            return CompletableFuture.failedFuture(new IOException("an earlier atomic write did not finish", stuck));
        }
        try {
            log.commit(offset, data);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(retireAfter(e));
        }
        return device.write(offset, ByteBuffer.wrap(data), true)
                .handleAsync((written, failure) -> {
                    Throwable writeFailure = failure == null ? null : BlockIo.unwrap(failure);
                    if (writeFailure != null) {
                        writeFailure = writeAgain(offset, data, writeFailure);
                    }
                    try {
                        log.retire();
                    } catch (IOException e) {
                        stuck = e;
                        if (writeFailure != null) {
                            e.addSuppressed(writeFailure);
                        }
                        throw new CompletionException(e);
                    }
                    if (writeFailure != null) {
                        throw new CompletionException(writeFailure);
                    }
                    return null;
                }, executor);
    }

    /** The in-place write failed: tries it once more (durably); null when that worked, else the first failure. */
    private Throwable writeAgain(long offset, byte[] data, Throwable firstFailure) {
        try {
            device.write(offset, ByteBuffer.wrap(data), true).get();
            device.flush().get();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            firstFailure.addSuppressed(e);
            return firstFailure;
        } catch (ExecutionException e) {
            firstFailure.addSuppressed(BlockIo.unwrap(e.getCause()));
            return firstFailure;
        }
    }

    /**
     * The commit failed: the log may hold the record or not, the device is untouched. Retiring
     * makes sure no replay applies a write that was reported failed; if that fails too the slot
     * is no longer trusted.
     */
    private Throwable retireAfter(Exception commitFailure) {
        try {
            log.retire();
        } catch (IOException e) {
            commitFailure.addSuppressed(e);
            stuck = e;
        }
        return commitFailure;
    }
}
