package io.appliance.replication.sync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;

/**
 * A data area in a byte array. Completes synchronously unless writes or flushes are held; reads
 * can be made to fail by offset.
 */
final class MemoryDataArea implements DataArea {

    private final byte[] bytes;
    private final Deque<Runnable> heldWrites = new ArrayDeque<>();
    private final Deque<CompletableFuture<Void>> heldFlushes = new ArrayDeque<>();
    private final AtomicInteger flushes = new AtomicInteger();
    private final AtomicInteger fuaWrites = new AtomicInteger();
    private boolean holdWrites;
    private boolean holdFlushes;
    private LongPredicate failingReads = offset -> false;

    MemoryDataArea(int size) {
        this.bytes = new byte[size];
    }

    MemoryDataArea(byte[] content) {
        this.bytes = content.clone();
    }

    synchronized byte[] snapshot() {
        return bytes.clone();
    }

    synchronized byte[] range(long offset, int length) {
        return Arrays.copyOfRange(bytes, (int) offset, (int) offset + length);
    }

    /** A write that bypasses the resync (an application write or a change behind its back). */
    synchronized void put(long offset, byte[] data) {
        System.arraycopy(data, 0, bytes, (int) offset, data.length);
    }

    synchronized void holdWrites(boolean hold) {
        holdWrites = hold;
    }

    synchronized void holdFlushes(boolean hold) {
        holdFlushes = hold;
    }

    synchronized void failReadsWhere(LongPredicate failing) {
        failingReads = failing;
    }

    void releaseHeldWrites() {
        while (true) {
            Runnable write;
            synchronized (this) {
                write = heldWrites.poll();
            }
            if (write == null) {
                return;
            }
            write.run();
        }
    }

    void releaseHeldFlushes() {
        while (true) {
            CompletableFuture<Void> flush;
            synchronized (this) {
                flush = heldFlushes.poll();
            }
            if (flush == null) {
                return;
            }
            flush.complete(null);
        }
    }

    synchronized int heldFlushes() {
        return heldFlushes.size();
    }

    int flushes() {
        return flushes.get();
    }

    int fuaWrites() {
        return fuaWrites.get();
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        synchronized (this) {
            if (failingReads.test(offset)) {
                return CompletableFuture.failedFuture(new IOException("injected read error at " + offset));
            }
            dst.put(bytes, (int) offset, dst.remaining());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean fua) {
        if (fua) {
            fuaWrites.incrementAndGet();
        }
        byte[] copy = new byte[src.remaining()];
        src.get(copy);
        CompletableFuture<Void> completion = new CompletableFuture<>();
        Runnable write = () -> {
            put(offset, copy);
            completion.complete(null);
        };
        synchronized (this) {
            if (holdWrites) {
                heldWrites.add(write);
                return completion;
            }
        }
        write.run();
        return completion;
    }

    @Override
    public CompletableFuture<Void> flush() {
        flushes.incrementAndGet();
        synchronized (this) {
            if (holdFlushes) {
                CompletableFuture<Void> held = new CompletableFuture<>();
                heldFlushes.add(held);
                return held;
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public long size() {
        return bytes.length;
    }
}
