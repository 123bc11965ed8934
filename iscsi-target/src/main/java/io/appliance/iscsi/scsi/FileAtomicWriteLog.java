package io.appliance.iscsi.scsi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * An {@link AtomicWriteLog} in one file per logical unit, holding one record:
 * <pre>
 *   bytes  0-3   MAGIC
 *   bytes  4-7   VERSION
 *   bytes  8-11  state: COMMITTED or RETIRED
 *   bytes 12-15  data length in bytes (at most {@link #MAX_RECORD_BYTES})
 *   bytes 16-23  byte offset on the block device
 *   bytes 24-27  CRC32C over bytes 0-23 (state COMMITTED) and the data
 *   bytes 28-31  reserved, 0
 *   bytes 32-    the data
 * </pre>
 * {@link #commit} writes header and data in place and forces them; a crash in between leaves a
 * header whose CRC does not match the data (torn: no record). {@link #retire} overwrites the
 * header with a RETIRED one, which no CRC matches, and forces it. The file's own fields are never
 * trusted beyond {@link #MAX_RECORD_BYTES} nor beyond the file's size.
 */
public final class FileAtomicWriteLog implements AtomicWriteLog {

    /** The largest record: the MAXIMUM ATOMIC TRANSFER LENGTH of any unit, in bytes. */
    static final int MAX_RECORD_BYTES = LogicalUnit.MAX_ATOMIC_TRANSFER_BYTES;

    static final int HEADER_BYTES = 32;
    static final int MAGIC = 0x41574C31; // "AWL1"
    static final int VERSION = 1;
    static final int COMMITTED = 0x434F4D54; // "COMT"
    static final int RETIRED = 0x52455452; // "RETR"
    private static final int CRC_OFFSET = 24;

    private final Path file;

    /** @param file the log file; its directory must exist, the file is created on first use */
    public FileAtomicWriteLog(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    public Path file() {
        return file;
    }

    @Override
    public void commit(long offset, byte[] data) throws IOException {
        Objects.requireNonNull(data, "data");
        if (offset < 0 || data.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("record of " + data.length + " bytes at " + offset
                    + " does not fit a log of " + MAX_RECORD_BYTES + " bytes");
        }
        ByteBuffer header = header(COMMITTED, data.length, offset);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, CRC_OFFSET);
        crc.update(data);
        header.putInt(CRC_OFFSET, (int) crc.getValue());
        writeAndForce(header, ByteBuffer.wrap(data));
    }

    @Override
    public void retire() throws IOException {
        writeAndForce(header(RETIRED, 0, 0), ByteBuffer.allocate(0));
    }

    @Override
    public Optional<Record> pending() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < HEADER_BYTES) {
                return Optional.empty();
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            readFully(channel, header, 0);
            int length = header.getInt(12);
            long offset = header.getLong(16);
            // limits checked before allocating: the length field is trusted only within them
            if (header.getInt(0) != MAGIC || header.getInt(4) != VERSION || header.getInt(8) != COMMITTED
                    || length < 0 || length > MAX_RECORD_BYTES || offset < 0 || size < HEADER_BYTES + (long) length) {
                return Optional.empty();
            }
            byte[] data = new byte[length];
            readFully(channel, ByteBuffer.wrap(data), HEADER_BYTES);
            CRC32C crc = new CRC32C();
            crc.update(header.array(), 0, CRC_OFFSET);
            crc.update(data);
            if ((int) crc.getValue() != header.getInt(CRC_OFFSET)) {
                return Optional.empty();
            }
            return Optional.of(new Record(offset, data));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static ByteBuffer header(int state, int length, long offset) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        header.putInt(0, MAGIC);
        header.putInt(4, VERSION);
        header.putInt(8, state);
        header.putInt(12, length);
        header.putLong(16, offset);
        return header;
    }

    /** Writes header then data from position 0, forces both (and the directory when the file is new). */
    private void writeAndForce(ByteBuffer header, ByteBuffer data) throws IOException {
        boolean created = Files.notExists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long position = 0;
            for (ByteBuffer buffer : new ByteBuffer[] {header, data}) {
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
            }
            channel.force(true);
        }
        if (created) {
            DurableFiles.forceDirectory(file.toAbsolutePath().getParent());
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of file");
            }
            at += read;
        }
    }

    @Override
    public String toString() {
        return "FileAtomicWriteLog[" + file + "]";
    }
}
