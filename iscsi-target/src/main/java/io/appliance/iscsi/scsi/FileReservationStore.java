package io.appliance.iscsi.scsi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link ReservationStore} in one file per logical unit. {@link #save} writes a temporary file
 * next to it, forces it to disk, renames it over the file and forces the directory, so a crash
 * leaves either the old or the new state.
 */
public final class FileReservationStore implements ReservationStore {

    /** Far more than any state needs; a larger file is not ours. */
    static final int MAX_STATE_BYTES = 16 * 1024 * 1024;

    private final Path file;

    /** @param file the state file; its directory must exist */
    public FileReservationStore(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<byte[]> load() throws IOException {
        try {
            if (Files.size(file) > MAX_STATE_BYTES) {
                throw new IOException(file + " is larger than " + MAX_STATE_BYTES + " bytes");
            }
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void save(byte[] state) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(state);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DurableFiles.forceDirectory(file.toAbsolutePath().getParent());
    }

    @Override
    public String toString() {
        return "FileReservationStore[" + file + "]";
    }
}
