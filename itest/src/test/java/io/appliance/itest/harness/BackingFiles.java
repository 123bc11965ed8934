package io.appliance.itest.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Block-by-block comparison of two nodes' backing files over their data areas. */
public final class BackingFiles {

    public static final int BLOCK_SIZE = 4096;
    private static final int CHUNK = 1 << 20;
    private static final int LISTED_DIFFERENCES = 8;

    private BackingFiles() {
    }

    /**
     * What differs in the first {@code length} bytes of two files.
     *
     * @param differentBlocks how many 4 KiB blocks differ
     * @param firstOffsets    the offsets of the first few differing blocks
     */
    public record Comparison(long length, long differentBlocks, List<Long> firstOffsets) {

        public boolean identical() {
            return differentBlocks == 0;
        }

        @Override
        public String toString() {
            return identical() ? "identical over " + length + " bytes"
                    : differentBlocks + " of " + length / BLOCK_SIZE + " blocks differ, first at offsets " + firstOffsets;
        }
    }

    /** Compares the first {@code length} bytes (a multiple of 4 KiB) of {@code a} and {@code b}; bytes past a file's end read as zero. */
    public static Comparison compare(Path a, Path b, long length) throws IOException {
        if (length % BLOCK_SIZE != 0 || length < 0) {
            throw new IllegalArgumentException("length must be a non-negative multiple of 4096: " + length);
        }
        long different = 0;
        List<Long> offsets = new ArrayList<>();
        try (FileChannel left = FileChannel.open(a, StandardOpenOption.READ);
                FileChannel right = FileChannel.open(b, StandardOpenOption.READ)) {
            ByteBuffer leftChunk = ByteBuffer.allocate(CHUNK);
            ByteBuffer rightChunk = ByteBuffer.allocate(CHUNK);
            for (long position = 0; position < length; position += CHUNK) {
                int size = (int) Math.min(CHUNK, length - position);
                readFully(left, leftChunk, position, size);
                readFully(right, rightChunk, position, size);
                for (int block = 0; block < size; block += BLOCK_SIZE) {
                    if (Arrays.mismatch(leftChunk.array(), block, block + BLOCK_SIZE,
                            rightChunk.array(), block, block + BLOCK_SIZE) >= 0) {
                        different++;
                        if (offsets.size() < LISTED_DIFFERENCES) {
                            offsets.add(position + block);
                        }
                    }
                }
            }
        }
        return new Comparison(length, different, List.copyOf(offsets));
    }

    /** Reads one 4 KiB block at {@code offset}. */
    public static byte[] readBlock(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer block = ByteBuffer.allocate(BLOCK_SIZE);
            readFully(channel, block, offset, BLOCK_SIZE);
            return block.array();
        }
    }

    /** Overwrites {@code data} at {@code offset} and forces it to the file, behind any reader's back. */
    public static void overwrite(Path file, long offset, byte[] data) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer, offset + buffer.position());
            }
            channel.force(false);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, int size) throws IOException {
        buffer.clear().limit(size);
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                Arrays.fill(buffer.array(), buffer.position(), size, (byte) 0);
                break;
            }
        }
    }
}
