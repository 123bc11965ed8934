package io.appliance.lvm.device;

import io.appliance.iscsi.block.FileSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hole punching on the backing files of a volume (physical volumes, loop or block device nodes,
 * or plain files in tests): one {@link FileSpace} per backing file, opened on first use.
 * fallocate(2) {@code PUNCH_HOLE} on a block device makes the kernel zero the range with
 * WRITE ZEROES without fallback (a loop device punches the hole in its own backing file), so a
 * block device supports it when its queue's {@code write_zeroes_max_bytes} is non-zero; a regular
 * file when a punch past its end succeeds.
 *
 * <p>Thread safe. Every method blocks on system calls: call from the I/O executor or at open.
 */
final class BackingSpaces {

    private final ConcurrentHashMap<Path, FileSpace> spaces = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Path, Boolean> probed = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private boolean closed;

    /**
     * True when every file of {@code files} punches holes that read back as zeros. Each file is
     * probed once, the first time it is named (before any map using it is published, so that the
     * probe's punch past the end of a regular file never races a write); later calls reuse the
     * answer.
     */
    boolean allSupportPunchHole(Collection<Path> files) {
        for (Path file : files) {
            if (!probed.computeIfAbsent(file, this::supportsPunchHole)) {
                return false;
            }
        }
        return true;
    }

    private boolean supportsPunchHole(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                return space(file).punchHoleSupported(Files.size(file), 4096);
            }
            Object rdev = Files.getAttribute(file, "unix:rdev");
            long device = ((Number) rdev).longValue();
            long major = ((device >>> 8) & 0xFFF) | ((device >>> 32) & ~0xFFFL);
            long minor = (device & 0xFF) | ((device >>> 12) & ~0xFFL);
            Path writeZeroes = Path.of("/sys/dev/block/" + major + ":" + minor + "/queue/write_zeroes_max_bytes");
            return Files.isReadable(writeZeroes) && Long.parseLong(Files.readString(writeZeroes).trim()) > 0
                    && space(file) != null;
        } catch (IOException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Deallocates {@code length} bytes at {@code position} of {@code file}; they read back as zeros. */
    void punchHole(Path file, long position, long length) throws IOException {
        space(file).punchHole(position, length);
    }

    private FileSpace space(Path file) throws IOException {
        FileSpace space = spaces.get(file);
        if (space != null) {
            return space;
        }
        synchronized (lock) {
            if (closed) {
                throw new IOException("backing files of the volume are closed");
            }
            space = spaces.get(file);
            if (space == null) {
                space = FileSpace.open(file);
                spaces.put(file, space);
            }
            return space;
        }
    }

    /** Closes every handle. Idempotent. */
    void close() {
        synchronized (lock) {
            closed = true;
            spaces.values().forEach(FileSpace::close);
            spaces.clear();
        }
    }
}
