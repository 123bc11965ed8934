package io.appliance.lvm.device;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One open {@link FileChannel} per backing file (physical volume or device node) of a device.
 * Channels are opened by {@link #openAll} before a map that names their files is published and
 * stay open until {@link #close()}, so a request that mapped its range against an older map still
 * finds its channels. Lookups on the I/O path take no lock; an executor thread interrupted during
 * I/O makes the JDK close the channel, and the next lookup reopens the file.
 */
final class BackingChannels {

    private final boolean readOnly;
    private final ConcurrentHashMap<Path, FileChannel> channels = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private boolean closed;

    BackingChannels(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /**
     * Opens the files that are not open yet, all or nothing: when one fails, the ones this call
     * opened are closed again and the exception is thrown.
     */
    void openAll(Collection<Path> files) throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new ClosedChannelException();
            }
            List<Path> opened = new ArrayList<>();
            try {
                for (Path file : files) {
                    if (!channels.containsKey(file)) {
                        channels.put(file, open(file));
                        opened.add(file);
                    }
                }
            } catch (IOException | RuntimeException e) {
                for (Path file : opened) {
                    closeQuietly(channels.remove(file));
                }
                throw e;
            }
        }
    }

    /** The open channel of a file that {@link #openAll} opened. */
    FileChannel channel(Path file) throws IOException {
        FileChannel channel = channels.get(file);
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        synchronized (lock) {
            if (closed) {
                throw new ClosedChannelException();
            }
            channel = channels.get(file);
            if (channel == null) {
                throw new IOException("backing file " + file + " was never opened");
            }
            if (!channel.isOpen()) {
                Thread.interrupted(); // a pending interrupt would close the new channel at once
                channel = open(file);
                channels.put(file, channel);
            }
            return channel;
        }
    }

    /** The files open now (every file of every map published so far). */
    List<Path> files() {
        return List.copyOf(channels.keySet());
    }

    /** Closes every channel; later lookups fail with {@link ClosedChannelException}. Idempotent. */
    void close() {
        synchronized (lock) {
            closed = true;
            channels.values().forEach(BackingChannels::closeQuietly);
            channels.clear();
        }
    }

    private FileChannel open(Path file) throws IOException {
        return readOnly
                ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // the device is being closed or the open failed half-way: there is no request left to tell
        }
    }
}
