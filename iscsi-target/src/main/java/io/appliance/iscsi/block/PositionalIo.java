package io.appliance.iscsi.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Whole-buffer positional reads and writes on a FileChannel, shared by the file-based devices. */
public final class PositionalIo {

    private PositionalIo() {
    }

    /**
     * Fills {@code dst} from {@code position}. What lies beyond the end of the file (a sparse file
     * truncated behind our back, a backing file shorter than the device) reads as zeros.
     */
    public static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                return;
            }
            at += n;
        }
    }

    /** Writes all of {@code src} at {@code position}. */
    public static void writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
        long at = position;
        while (src.hasRemaining()) {
            at += channel.write(src, at);
        }
    }
}
