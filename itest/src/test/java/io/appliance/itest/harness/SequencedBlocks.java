package io.appliance.itest.harness;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The 4 KiB blocks of a write stream whose every block proves what it is: bytes 0-7 a magic,
 * 8-15 the run's id, 16-23 the block's sequence number, then filler derived from both, and the
 * last 4 bytes the CRC-32C of everything before them. A block that decodes came whole from the
 * writer of that run, with that number; a torn, stale or foreign block does not decode.
 */
public final class SequencedBlocks {

    public static final int BLOCK_SIZE = 4096;
    private static final long MAGIC = 0x5345_5142_4c4b_3031L; // "SEQBLK01"
    private static final int CHECKSUM_OFFSET = BLOCK_SIZE - Integer.BYTES;

    private SequencedBlocks() {
    }

    public static byte[] encode(long runId, long sequence) {
        ByteBuffer block = ByteBuffer.allocate(BLOCK_SIZE);
        block.putLong(MAGIC).putLong(runId).putLong(sequence);
        long filler = runId * 0x9E37_79B9_7F4A_7C15L ^ sequence;
        while (block.position() + Long.BYTES <= CHECKSUM_OFFSET) {
            filler = filler * 6364136223846793005L + 1442695040888963407L;
            block.putLong(filler);
        }
        CRC32C crc = new CRC32C();
        crc.update(block.array(), 0, CHECKSUM_OFFSET);
        block.putInt(CHECKSUM_OFFSET, (int) crc.getValue());
        return block.array();
    }

    /** Whether {@code block} (exactly {@link #BLOCK_SIZE} bytes) is block {@code sequence} of run {@code runId}. */
    public static boolean holds(byte[] block, long runId, long sequence) {
        if (block.length != BLOCK_SIZE) {
            return false;
        }
        ByteBuffer view = ByteBuffer.wrap(block);
        CRC32C crc = new CRC32C();
        crc.update(block, 0, CHECKSUM_OFFSET);
        return view.getLong(0) == MAGIC && view.getLong(8) == runId && view.getLong(16) == sequence
                && view.getInt(CHECKSUM_OFFSET) == (int) crc.getValue();
    }
}
