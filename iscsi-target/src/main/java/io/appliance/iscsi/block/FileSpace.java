package io.appliance.iscsi.block;

import java.io.IOException;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Space management of Linux files and block devices that {@link java.nio.channels.FileChannel}
 * does not offer, through libc (jnr-ffi): punching holes (fallocate(2) with
 * {@code FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE}) and finding them (lseek(2)
 * {@code SEEK_DATA}/{@code SEEK_HOLE}). One instance holds one file descriptor of its own,
 * opened read-write ({@link #open}) and released by {@link #close()}.
 *
 * <p>Threads: every method may be called from any thread; each is one blocking system call, so
 * callers run them on an I/O executor, never on an event loop. Methods called after
 * {@link #close()} fail with {@link IOException}.
 */
public final class FileSpace implements AutoCloseable {

    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int FALLOC_FL_KEEP_SIZE = 0x01;
    private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;

    private static volatile LibC libc;

    private final Path path;
    private final Object lifecycle = new Object();
    private int fd;

    private FileSpace(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens {@code path} read-write for space management. */
    public static FileSpace open(Path path) throws IOException {
        LibC c = library();
        int fd = c.open(path.toString(), O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            throw failure(c, "open", path);
        }
        return new FileSpace(path, fd);
    }

    /**
     * Deallocates {@code length} bytes at {@code offset}; the file's size does not change and the
     * range reads back as zeros afterwards.
     *
     * @throws IOException among others when the file system cannot punch holes (EOPNOTSUPP)
     */
    public void punchHole(long offset, long length) throws IOException {
        synchronized (lifecycle) {
            LibC c = library();
            if (c.fallocate(openFd(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length) != 0) {
                throw failure(c, "fallocate(PUNCH_HOLE) " + offset + "+" + length + " on", path);
            }
        }
    }

    /**
     * True when this file system punches holes: a punch past the end of the file, which changes
     * no data, succeeds. Used once at open to decide whether discards zero.
     */
    public boolean punchHoleSupported(long endOfFile, int alignment) {
        long probeOffset = (endOfFile + alignment - 1) / alignment * alignment;
        try {
            punchHole(probeOffset, alignment);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The first offset at or after {@code offset} that holds data, or -1 when there is none
     * before the end of the file (lseek SEEK_DATA, ENXIO).
     */
    public long nextData(long offset) throws IOException {
        return seek(offset, SEEK_DATA, "lseek(SEEK_DATA)");
    }

    /**
     * The first offset at or after {@code offset} inside a hole; the end of the file counts as a
     * hole (lseek SEEK_HOLE). -1 when {@code offset} is at or past the end.
     */
    public long nextHole(long offset) throws IOException {
        return seek(offset, SEEK_HOLE, "lseek(SEEK_HOLE)");
    }

    private long seek(long offset, int whence, String call) throws IOException {
        synchronized (lifecycle) {
            LibC c = library();
            long at = c.lseek(openFd(), offset, whence);
            if (at >= 0) {
                return at;
            }
            if (Runtime.getRuntime(c).getLastError() == ENXIO) {
                return -1;
            }
            throw failure(c, call + " at " + offset + " on", path);
        }
    }

    /** Closes the descriptor. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (fd >= 0) {
                library().close(fd);
                fd = -1;
            }
        }
    }

    private int openFd() throws IOException {
        if (fd < 0) {
            throw new IOException("space handle of " + path + " is closed");
        }
        return fd;
    }

    private static IOException failure(LibC c, String what, Path path) {
        int errno = Runtime.getRuntime(c).getLastError();
        return new IOException(what + " " + path + " failed: errno " + errno);
    }

    private static LibC library() {
        LibC loaded = libc;
        if (loaded == null) {
            synchronized (FileSpace.class) {
                loaded = libc;
                if (loaded == null) {
                    loaded = LibraryLoader.create(LibC.class).load("c");
                    libc = loaded;
                }
            }
        }
        return loaded;
    }

    /** The libc calls used; jnr-ffi saves errno after each. */
    public interface LibC {
        int open(String path, int flags);

        int close(int fd);

        int fallocate(int fd, int mode, long offset, long length);

        long lseek(int fd, long offset, int whence);
    }
}
